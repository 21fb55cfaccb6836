import { describe, expect, it } from 'vitest';
import { judgeSetting, type JudgeOptions } from '../../src/judge/index.js';

describe('judgeSetting on literal settings, judged once per options', () => {
  const secret = 'Zq8vN2mLp4Rt7wXy';
  const knows: JudgeOptions = { findKnownSecret: (text) => (text.includes(secret) ? { secret: 'db_password', start: text.indexOf(secret), end: text.indexOf(secret) + secret.length } : undefined) };

  it('gives the same verdict again, and another one under other options', () => {
    const setting = { place: 'environment' as const, name: 'UPSTREAM_TOKEN_COPY', value: secret };
    expect(judgeSetting({ place: 'environment', name: 'NOTE', value: secret }, {})).toBeUndefined();
    expect(judgeSetting({ place: 'environment', name: 'NOTE', value: secret }, knows)).toMatchObject({ kind: 'known-secret-value', secret: 'db_password' });
    expect(judgeSetting({ place: 'environment', name: 'NOTE', value: secret }, knows)).toMatchObject({ kind: 'known-secret-value' });
    expect(judgeSetting(setting, {})).toMatchObject({ kind: 'secret-named-literal' });
    expect(judgeSetting({ ...setting, place: 'label' }, {})).toEqual(judgeSetting({ ...setting, place: 'label' }, {}));
  });

  it('keeps apart a name and a value that run together alike', () => {
    const options: JudgeOptions = {};
    expect(judgeSetting({ place: 'environment', name: 'API_TOKEN', value: 'x9Kp2Lm7Qa' }, options)).toMatchObject({ kind: 'secret-named-literal' });
    expect(judgeSetting({ place: 'environment', name: 'API_TOKENx9Kp2Lm7Qa', value: '' }, options)).toBeUndefined();
    expect(judgeSetting({ place: 'environment', name: 'API_TOKEN', value: '' }, options)).toBeUndefined();
  });

  it('judges a value passed through from the host by what the host has', () => {
    const options: JudgeOptions = {};
    expect(judgeSetting({ place: 'environment', name: 'DATABASE_URL', value: null, host: { value: `postgres://app:${secret}@db/app` } }, options)).toMatchObject({ severity: 'error' });
    expect(judgeSetting({ place: 'environment', name: 'DATABASE_URL', value: null, host: { value: 'postgres://db/app' } }, options)).toBeUndefined();
  });
});
