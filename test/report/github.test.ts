import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/finding.js';
import { formatGithub } from '../../src/report/github.js';
import { report } from './fixture.js';
import { expectGolden } from './golden.js';

describe('formatGithub', () => {
  it('matches the golden output', () => {
    expectGolden('github.txt', formatGithub(report));
  });

  it('escapes %, CR and LF in the message and also : and , in properties', () => {
    const tricky: Report = {
      version: 1,
      findings: [
        {
          rule: 'secret-in-environment',
          severity: 'warning',
          file: 'dir,with:odd%name.yml',
          line: 3,
          column: 5,
          service: 'a,b:c',
          key: null,
          path: null,
          message: '100% bad:\r\nsee, here',
        },
      ],
      summary: { errors: 0, warnings: 1, suppressed: 0, files: 1 },
    };
    expect(formatGithub(tricky)).toBe(
      '::warning file=dir%2Cwith%3Aodd%25name.yml,line=3,col=5,title=secret-in-environment (a%2Cb%3Ac)::100%25 bad:%0D%0Asee, here\n',
    );
  });

  it.each([
    ['error', '::error '],
    ['warning', '::warning '],
    ['note', '::notice '],
  ] as const)('writes a finding of severity %s as the %s command', (severity, command) => {
    const finding = { rule: 'secret-file', severity, file: 'c.yml', line: 1, column: 1, service: null, key: null, path: null, message: 'm' };
    expect(formatGithub({ version: 1, findings: [finding], summary: { errors: 0, warnings: 0, suppressed: 0, files: 1 } })).toMatch(new RegExp(`^${command}`));
  });

  it('prints nothing for a clean report', () => {
    expect(formatGithub({ version: 1, findings: [], summary: { errors: 0, warnings: 0, suppressed: 0, files: 2 } })).toBe('');
  });
});
