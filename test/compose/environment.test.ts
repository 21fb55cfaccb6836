import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectEnvironment } from '../../src/compose/environment.js';
import { InputError } from '../../src/errors.js';
import { projectWith } from '../support/project.js';

describe('ProjectEnvironment', () => {
  const root = projectWith({
    '.env': '# settings\nA=from-file\nB=${A}-derived\nC=${SHELL_ONLY}\n',
    'second.env': 'B=second\nD=${B}\n',
    'broken.env': 'X=${Y:?needs Y}\n',
  });
  const file = (name: string) => ({ path: join(root, name), display: name });

  it('lets the shell win over env files and remembers the line each value came from', () => {
    const environment = ProjectEnvironment.of({ A: 'shell', SHELL_ONLY: 'yes' }).withEnvFiles([file('.env')]);
    expect(environment.lookup('A')).toBe('shell');
    expect(environment.sourceOf('A')).toBeUndefined();
    expect(environment.lookup('B')).toBe('shell-derived');
    expect(environment.sourceOf('B')).toEqual({ file: '.env', line: 3 });
    expect(environment.lookup('C')).toBe('yes');
    expect(environment.entries.map((entry) => entry.key)).toEqual(['A', 'B', 'C']);
    expect(environment.files).toEqual(['.env']);
  });

  it('lets a later env file win over an earlier one, and see its values', () => {
    const environment = ProjectEnvironment.of({}).withEnvFiles([file('.env'), file('second.env')]);
    expect(environment.lookup('B')).toBe('second');
    expect(environment.sourceOf('B')).toEqual({ file: 'second.env', line: 1 });
    expect(environment.lookup('D')).toBe('second');
  });

  it('keeps an outer environment over the env files of an included project', () => {
    const outer = ProjectEnvironment.of({}).withEnvFiles([file('second.env')]);
    const included = outer.withEnvFiles([file('.env')]);
    expect(included.lookup('B')).toBe('second');
    expect(included.sourceOf('B')).toEqual({ file: 'second.env', line: 1 });
    expect(included.lookup('A')).toBe('from-file');
  });

  it('refuses an env file that Compose refuses, naming the place', () => {
    expect(() => ProjectEnvironment.of({}).withEnvFiles([file('broken.env')])).toThrow(InputError);
    expect(() => ProjectEnvironment.of({}).withEnvFiles([file('broken.env')])).toThrow(/^broken\.env:1:3: required variable Y/);
  });
});
