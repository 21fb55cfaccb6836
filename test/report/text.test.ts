import { describe, expect, it } from 'vitest';
import type { Finding, Report } from '../../src/report/finding.js';
import { formatText } from '../../src/report/text.js';
import { readSource, report } from './fixture.js';
import { expectGolden } from './golden.js';

function single(finding: Partial<Finding>, source: string): string {
  const full: Finding = {
    rule: 'secret-in-environment',
    severity: 'error',
    file: 'compose.yaml',
    line: 1,
    column: 1,
    service: null,
    key: null,
    path: null,
    message: 'redacted',
    ...finding,
  };
  const oneFinding: Report = { version: 1, findings: [full], summary: { errors: 1, warnings: 0, suppressed: 0, files: 1 } };
  return formatText(oneFinding, { color: false, readSource: () => source });
}

describe('formatText', () => {
  it('matches the golden output without colours', () => {
    expectGolden('text.txt', formatText(report, { color: false, readSource }));
  });

  it('matches the golden output with colours', () => {
    expectGolden('text-color.ansi', formatText(report, { color: true, readSource }));
  });

  it('prints no escape sequence when colours are off', () => {
    expect(formatText(report, { color: false, readSource })).not.toContain('\u001b');
  });

  it.each([
    [{ errors: 0, warnings: 0, suppressed: 0, files: 3 }, 'no problems in 3 files\n'],
    [{ errors: 0, warnings: 0, suppressed: 2, files: 1 }, 'no problems (2 suppressed) in 1 file\n'],
    [{ errors: 1, warnings: 0, suppressed: 0, files: 1 }, '✖ 1 error, 0 warnings in 1 file\n'],
    [{ errors: 3, warnings: 1, suppressed: 2, files: 4 }, '✖ 3 errors, 1 warning (2 suppressed) in 4 files\n'],
  ])('summarises %o', (summary, expected) => {
    expect(formatText({ version: 1, findings: [], summary }, { color: false, readSource })).toBe(expected);
  });

  it('colours a warnings-only summary yellow and a clean one green', () => {
    const summary = { errors: 0, warnings: 1, suppressed: 0, files: 1 };
    expect(formatText({ version: 1, findings: [], summary }, { color: true, readSource })).toBe(
      '\u001b[1;33m✖ 0 errors, 1 warning in 1 file\u001b[0m\n',
    );
    expect(formatText({ version: 1, findings: [], summary: { ...summary, warnings: 0 } }, { color: true, readSource })).toBe(
      '\u001b[32mno problems in 1 file\u001b[0m\n',
    );
  });

  it('counts notes apart: a report with notes only is clean', () => {
    const note: Finding = {
      rule: 'secret-file',
      severity: 'note',
      file: 'docker-compose.yml',
      line: 2,
      column: 11,
      service: null,
      key: 'db_password',
      path: 'secrets.db_password.file',
      message: 'planes setup creates it',
    };
    const notesOnly: Report = { version: 1, findings: [note, note], summary: { errors: 0, warnings: 0, suppressed: 0, files: 1 } };
    const plain = formatText(notesOnly, { color: false, readSource: () => 'secrets:\n    file: ./secrets/db_password.txt\n' });
    expect(plain).toContain('  2:11  note     planes setup creates it  secret-file\n');
    expect(plain.endsWith('\n\nno problems, 2 notes in 1 file\n')).toBe(true);
    const coloured = formatText({ ...notesOnly, summary: { ...notesOnly.summary, errors: 1 } }, { color: true, readSource: () => undefined });
    expect(coloured).toContain('\u001b[36mnote   \u001b[0m');
    expect(coloured).toContain('✖ 1 error, 0 warnings, 2 notes in 1 file');
  });

  it('keeps tabs under the caret so it lines up with the source', () => {
    const output = single({ line: 2, column: 3, key: 'DB_PASSWORD' }, 'environment:\n\t\tDB_PASSWORD: x\n');
    expect(output).toContain('    2 | \t\tDB_PASSWORD: •••••\n      | \t\t^\n');
  });

  it('shows no frame when the line is not in the source', () => {
    const output = single({ line: 9 }, 'one line\n');
    expect(output).not.toContain(' | ');
  });

  it('neutralises terminal escape sequences from a file or a message', () => {
    const output = single({ key: 'EVIL\u001b]0;pwned\u0007', message: 'EVIL\u001b[2J holds a secret' }, 'EVIL\u001b]0;pwned\u0007: x\n');
    expect(output).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
  });
});
