import { describe, expect, it } from 'vitest';
import { interpolate } from '../../src/compose/interpolate.js';
import { judgeSetting } from '../../src/judge/index.js';
import { classify } from '../../src/migrate/classify.js';
import type { SourceSetting } from '../../src/migrate/source.js';

function setting(key: string, value: string | undefined, place: SourceSetting['place'] = 'environment'): SourceSetting {
  return {
    service: 'app',
    place,
    key,
    value,
    where: { file: 'compose.yaml', line: 1, column: 1 },
    judged: { place, name: key, value: value ?? null },
    fromHost: value === undefined,
  };
}

describe('classify', () => {
  it('puts a secret-named variable in the secret plane, by the name rule', () => {
    const verdict = classify(setting('DB_PASSWORD', 'Zq8-rT4m-Lw2x'));
    expect(verdict.plane).toBe('secret');
    expect(verdict.reasons.join()).toMatch(/name rule/);
  });

  it('puts a credential in the secret plane whatever its name, by the value detector', () => {
    const verdict = classify(setting('DATABASE_URL', 'postgres://app:Zq8rT4mLw2x@db:5432/app'));
    expect(verdict.plane).toBe('secret');
    expect(verdict.reasons.join()).toMatch(/value detector: URL with a password/);
  });

  it('gives both reasons when both hold', () => {
    const verdict = classify(setting('GITHUB_TOKEN', `ghp_${'a1B2c3D4e5'.repeat(3)}abcdef`));
    expect(verdict.reasons.some((reason) => reason.startsWith('name rule'))).toBe(true);
    expect(verdict.reasons.some((reason) => reason.startsWith('value detector'))).toBe(true);
  });

  it('keeps settings without a secret in the config plane', () => {
    expect(classify(setting('LOG_LEVEL', 'debug')).plane).toBe('config');
    expect(classify(setting('POSTGRES_USER', 'app')).plane).toBe('config');
    expect(classify(setting('TOKEN_TTL', '3600')).plane).toBe('config');
  });

  it('recognises the path of a mounted secret, by the *_FILE convention or by its value', () => {
    const file = classify(setting('POSTGRES_PASSWORD_FILE', '/run/secrets/db-password'));
    expect(file).toMatchObject({ plane: 'secret-path', target: 'db-password' });
    expect(file.reasons.join()).toMatch(/\*_FILE convention/);
    expect(classify(setting('DATABASE_PASSWORD', '/run/secrets/db-password'))).toMatchObject({ plane: 'secret-path', target: 'db-password' });
  });

  it('moves a *_FILE variable that holds the secret itself, saying so', () => {
    const verdict = classify(setting('API_KEY_FILE', 'Zq8-rT4m-Lw2x-9kPd'));
    expect(verdict.plane).toBe('secret');
    expect(verdict.reasons.join()).toMatch(/should hold a path/);
  });

  it('moves a placeholder in a secret slot and asks for the real value', () => {
    const verdict = classify(setting('ADMIN_PASSWORD', 'changeme'));
    expect(verdict.plane).toBe('secret');
    expect(verdict.notes.join()).toMatch(/placeholder/);
  });

  it('moves a secret-named variable passed through from the host, and says it has no value here', () => {
    const verdict = classify(setting('API_TOKEN', undefined));
    expect(verdict.plane).toBe('secret');
    expect(verdict.notes.join()).toMatch(/no value here/);
  });

  it("takes its reasons from the checker's verdict: the name rule and every credential format it found", () => {
    const source = setting('GITHUB_TOKEN', `ghp_${'a1B2c3D4e5'.repeat(3)}abcdef AKIAZ3MSJV7WLXQ4TB6N`);
    const verdict = judgeSetting(source.judged);
    expect(verdict?.nameRule?.says).toBe('secret');
    expect(classify(source).reasons).toEqual([
      `name rule: ${verdict?.nameRule?.reason}`,
      'value detector: GitHub token (personal, OAuth, app or refresh)',
      'value detector: AWS access key ID',
    ]);
  });

  it('names what the checker found otherwise, a ${VAR:-…} reference whole', () => {
    const template = 'app-${DB_PASSWORD:-x}';
    const { value, references } = interpolate(template, () => undefined);
    const source = { ...setting('CACHE_PREFIX', value), judged: { place: 'environment' as const, name: 'CACHE_PREFIX', value, written: { template, references, sources: {} } } };
    expect(classify(source)).toMatchObject({ plane: 'secret', reasons: ['checker: a secret (CACHE_PREFIX interpolates the secret ${DB_PASSWORD:-…})'] });
  });
});
