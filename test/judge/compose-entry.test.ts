import { describe, expect, it } from 'vitest';
import { interpolate, type ComposeOrigin, type EnvSource, type InterpolationEnvironment } from '../../src/compose/index.js';
import { judgeComposeEntry, verdictMessage, type JudgeOptions } from '../../src/judge/index.js';

const SECRET = 'Zq8vN2mLp4Rt7wXy';

function environment(values: Record<string, string>, sources: Record<string, EnvSource> = {}): InterpolationEnvironment {
  return { lookup: (name) => values[name], sourceOf: (name) => sources[name] };
}

/** An entry `name: template` at a line of compose.yaml, interpolated as the loader does. */
function entry(env: InterpolationEnvironment, template: string, line: number): { value: string; origin: ComposeOrigin } {
  const { value, references } = interpolate(template, env.lookup);
  const envSources = Object.fromEntries(references.flatMap((reference) => { const source = env.sourceOf(reference.name); return source ? [[reference.name, source]] : []; }));
  return { value, origin: { key: { file: 'compose.yaml', line, column: 7 }, value: { file: 'compose.yaml', line, column: 20 }, template, references, envSources } };
}

describe('judgeComposeEntry', () => {
  it('judges entries written alike once, and each by what filled it', () => {
    const options: JudgeOptions = {};
    const fromDotenv = environment({ DB_PASSWORD: SECRET }, { DB_PASSWORD: { file: '.env', line: 3 } });
    const first = entry(fromDotenv, 'postgres://app:${DB_PASSWORD}@db/app', 10);
    const again = entry(fromDotenv, 'postgres://app:${DB_PASSWORD}@db/app', 40);
    const verdict = judgeComposeEntry(fromDotenv, 'environment', 'DATABASE_URL', first.value, first.origin, options);
    expect(verdict).toMatchObject({ severity: 'error' });
    expect(judgeComposeEntry(fromDotenv, 'environment', 'DATABASE_URL', again.value, again.origin, options)).toBe(verdict);
    expect(verdictMessage(verdict!)).toContain('.env:3');

    const otherLine = environment({ DB_PASSWORD: SECRET }, { DB_PASSWORD: { file: '.env', line: 7 } });
    const moved = entry(otherLine, 'postgres://app:${DB_PASSWORD}@db/app', 10);
    const elsewhere = judgeComposeEntry(otherLine, 'environment', 'DATABASE_URL', moved.value, moved.origin, options);
    expect(verdictMessage(elsewhere!)).toContain('.env:7');
  });

  it('tells a value written out from the same value filled from a variable', () => {
    const env = environment({ TOKEN: SECRET });
    const filled = entry(env, '${TOKEN}', 5);
    const options: JudgeOptions = {};
    expect(judgeComposeEntry(env, 'environment', 'UPSTREAM', SECRET, undefined, options)).toBeUndefined();
    expect(judgeComposeEntry(env, 'environment', 'UPSTREAM', filled.value, filled.origin, options)).toMatchObject({ kind: 'secret-variable-interpolated' });
  });

  it('judges a value passed through from the host by what the host has', () => {
    const options: JudgeOptions = {};
    expect(judgeComposeEntry(environment({ DATABASE_URL: `postgres://app:${SECRET}@db/app` }), 'environment', 'DATABASE_URL', null, undefined, options)).toMatchObject({ severity: 'error' });
    expect(judgeComposeEntry(environment({ DATABASE_URL: 'postgres://db/app' }), 'environment', 'DATABASE_URL', null, undefined, options)).toBeUndefined();
  });
});
