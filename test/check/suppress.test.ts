import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/report/finding.js';
import { applySuppressions, INVALID_IGNORE_RULE, scanSuppressions } from '../../src/check/suppress.js';

const RULE = 'secret-in-environment';

function finding(file: string, line: number): Finding {
  return { rule: RULE, severity: 'error', file, line, column: 7, service: 'api', key: 'POSTGRES_PASSWORD', path: null, message: 'redacted' };
}

/** Which of the given finding lines survive the suppressions written in `text`. */
function keptLines(text: string, findingLines: number[]): number[] {
  const { directives } = scanSuppressions(text, 'compose.yaml');
  const { kept } = applySuppressions(
    findingLines.map((line) => finding('compose.yaml', line)),
    new Map([['compose.yaml', directives]]),
  );
  return kept.map((kept) => kept.line);
}

describe('scanSuppressions + applySuppressions: where a directive applies', () => {
  const cases: { name: string; text: string; findings: number[]; kept: number[] }[] = [
    {
      name: 'own-line comment covers the next line',
      text: 'environment:\n  # planes-ignore secret-in-environment -- CI fixture\n  POSTGRES_PASSWORD: x\n  DB_PASSWORD: y\n',
      findings: [3, 4],
      kept: [4],
    },
    {
      name: 'trailing comment covers its own line',
      text: 'environment:\n  POSTGRES_PASSWORD: x  # planes-ignore secret-in-environment -- CI fixture\n  DB_PASSWORD: y\n',
      findings: [2, 3],
      kept: [3],
    },
    {
      name: 'a blank line between comment and entry breaks the link',
      text: '# planes-ignore secret-in-environment -- CI fixture\n\nPOSTGRES_PASSWORD: x\n',
      findings: [3],
      kept: [3],
    },
    {
      name: 'stacked own-line directives reach the same entry',
      text: '# planes-ignore other-rule -- a\n# planes-ignore secret-in-environment -- b\n# just a note\nPOSTGRES_PASSWORD: x\n',
      findings: [4],
      kept: [],
    },
    {
      name: 'comma-separated rules',
      text: 'KEY: x # planes-ignore other-rule, secret-in-environment -- fixture\n',
      findings: [1],
      kept: [],
    },
    {
      name: 'another rule is not suppressed',
      text: 'KEY: x # planes-ignore other-rule -- fixture\n',
      findings: [1],
      kept: [1],
    },
    {
      name: 'inside a double-quoted value it is not a comment',
      text: 'KEY: "x # planes-ignore secret-in-environment -- no"\n',
      findings: [1],
      kept: [1],
    },
    {
      name: 'inside a single-quoted list item it is not a comment',
      text: "- 'KEY=x # planes-ignore secret-in-environment -- no'\n",
      findings: [1],
      kept: [1],
    },
    {
      name: 'an escaped quote does not end the string',
      text: 'KEY: "a \\" # planes-ignore secret-in-environment -- no"\n',
      findings: [1],
      kept: [1],
    },
    {
      name: 'an apostrophe inside a word does not open a string',
      text: "command: echo it's fine # planes-ignore secret-in-environment -- fixture\n",
      findings: [1],
      kept: [],
    },
    {
      name: '# glued to a value is not a comment',
      text: 'KEY: abc#planes-ignore secret-in-environment -- no\n',
      findings: [1],
      kept: [1],
    },
    {
      name: 'env file: comment after a quoted value',
      text: 'export SECRET_KEY_BASE="3f9a#b" # planes-ignore secret-in-environment -- fixture\n',
      findings: [1],
      kept: [],
    },
    {
      name: 'Dockerfile: comment line inside a continuation covers the continued key',
      text: 'ENV A=1 \\\n    # planes-ignore secret-in-environment -- fixture\n    PASSWORD=x\n',
      findings: [1, 3],
      kept: [1],
    },
    {
      name: 'CRLF line endings',
      text: '# planes-ignore secret-in-environment -- fixture\r\nPOSTGRES_PASSWORD: x\r\n',
      findings: [2],
      kept: [],
    },
    {
      name: 'a directive on the last line covers nothing',
      text: 'POSTGRES_PASSWORD: x\n# planes-ignore secret-in-environment -- fixture',
      findings: [1, 2],
      kept: [1, 2],
    },
    {
      name: 'planes-ignored is not the directive',
      text: '# planes-ignored secret-in-environment -- fixture\nPOSTGRES_PASSWORD: x\n',
      findings: [2],
      kept: [2],
    },
  ];

  it.each(cases)('$name', ({ text, findings, kept }) => {
    expect(keptLines(text, findings)).toEqual(kept);
  });

  it('reports the directive with its position, rules and reason', () => {
    const { directives, invalid } = scanSuppressions(
      'services:\n  api:\n    environment:\n      # planes-ignore a-rule,b-rule -- fixture -- see ticket 12\n      KEY: x\n',
      'compose.yaml',
    );
    expect(invalid).toEqual([]);
    expect(directives).toEqual([
      { file: 'compose.yaml', line: 4, column: 7, targetLine: 5, rules: ['a-rule', 'b-rule'], reason: 'fixture -- see ticket 12' },
    ]);
  });

  it('only applies to findings of the same file', () => {
    const { directives } = scanSuppressions('KEY: x # planes-ignore secret-in-environment -- fixture\n', 'a.yml');
    const { kept, suppressed } = applySuppressions([finding('a.yml', 1), finding('b.yml', 1)], new Map([['a.yml', directives]]));
    expect(kept.map((k) => k.file)).toEqual(['b.yml']);
    expect(suppressed).toBe(1);
  });
});

describe('invalid directives', () => {
  const cases: { name: string; comment: string; problem: RegExp }[] = [
    { name: 'bare', comment: '# planes-ignore', problem: /names no rule/ },
    { name: 'rule without reason', comment: '# planes-ignore secret-in-environment', problem: /gives no reason/ },
    { name: 'rule with empty reason', comment: '# planes-ignore secret-in-environment --', problem: /gives no reason/ },
    { name: 'reason without rule', comment: '# planes-ignore -- because', problem: /names no rule/ },
    { name: 'rules separated by spaces', comment: '# planes-ignore rule-a rule-b -- x', problem: /malformed rule list/ },
    { name: 'rule that is not an id', comment: '# planes-ignore hunter2x! -- x', problem: /malformed rule list/ },
  ];

  it.each(cases)('$name: reported, suppresses nothing', ({ comment, problem }) => {
    const text = `environment:\n  ${comment}\n  POSTGRES_PASSWORD: hunter2isverysecret\n`;
    const { directives, invalid } = scanSuppressions(text, 'compose.yaml');
    expect(directives).toEqual([]);
    expect(invalid).toHaveLength(1);
    const [reported] = invalid;
    expect(reported).toMatchObject({
      rule: INVALID_IGNORE_RULE,
      severity: 'error',
      file: 'compose.yaml',
      line: 2,
      column: 3,
      service: null,
      key: null,
      path: null,
    });
    expect(reported?.message).toMatch(problem);
    expect(reported?.message).toContain('`# planes-ignore <rule> -- <reason>`');
    expect(reported?.message).not.toContain('hunter2');
    expect(keptLines(text, [3])).toEqual([3]);
  });
});

describe('leak cases (leak-cases.md)', () => {
  it('34: a well-formed ignore above case 1 suppresses it and counts it', () => {
    const text = 'services:\n  db:\n    environment:\n      # planes-ignore secret-in-environment -- CI fixture\n      POSTGRES_PASSWORD: hunter2isverysecret\n';
    const scan = scanSuppressions(text, 'compose.yaml');
    const result = applySuppressions([finding('compose.yaml', 5)], new Map([['compose.yaml', scan.directives]]));
    expect(scan.invalid).toEqual([]);
    expect(result).toEqual({ kept: [], suppressed: 1 });
  });

  it('35: a bare ignore above case 1 leaves it reported and is reported itself', () => {
    const text = 'services:\n  db:\n    environment:\n      # planes-ignore\n      POSTGRES_PASSWORD: hunter2isverysecret\n';
    const scan = scanSuppressions(text, 'compose.yaml');
    const result = applySuppressions([finding('compose.yaml', 5)], new Map([['compose.yaml', scan.directives]]));
    expect(result.kept.map((kept) => kept.line)).toEqual([5]);
    expect(result.suppressed).toBe(0);
    expect(scan.invalid.map(({ rule, severity, line, column }) => ({ rule, severity, line, column }))).toEqual([
      { rule: 'invalid-ignore', severity: 'error', line: 4, column: 7 },
    ]);
  });
});
