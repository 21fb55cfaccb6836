import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planes } from '../support/cli.js';
import { projectWith } from '../support/project.js';

const SECRET = 'hunter2isverysecret';

const LEAKY = `services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${SECRET}\n      MYSQL_ROOT_PASSWORD: changeme\n`;

describe('planes check, as CI runs it', () => {
  it('exits 0 on a clean project', () => {
    const result = planes(['check'], projectWith({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n' }));
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('no problems in 1 file');
  });

  it.each(['text', 'json', 'sarif', 'github'])('exits 1 on a leak and never prints the value (--format %s)', (format) => {
    const result = planes(['check', '--format', format], projectWith({ 'compose.yaml': LEAKY }));
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).not.toContain(SECRET);
    expect(result.stdout).toContain('POSTGRES_PASSWORD');
  });

  it('gives the JSON contract, with the placeholder as a warning', () => {
    const report = JSON.parse(planes(['check', '--format', 'json'], projectWith({ 'compose.yaml': LEAKY })).stdout);
    expect(Object.keys(report)).toEqual(['version', 'findings', 'summary']);
    expect(report.summary).toEqual({ errors: 1, warnings: 1, suppressed: 0, files: 1 });
    expect(report.findings[0]).toEqual({
      rule: 'secret-in-environment',
      severity: 'error',
      file: 'compose.yaml',
      line: 5,
      column: 7,
      service: 'db',
      key: 'POSTGRES_PASSWORD',
      path: 'services.db.environment.POSTGRES_PASSWORD',
      message: expect.stringMatching(/^POSTGRES_PASSWORD holds a secret \(hu\*+et, 19 chars\); mount it as a secret and pass POSTGRES_PASSWORD_FILE=\/run\/secrets\/postgres_password/),
    });
    expect(report.findings[1]).toMatchObject({ severity: 'warning', key: 'MYSQL_ROOT_PASSWORD', line: 6 });
  });

  it('counts a suppressed finding and reports a bare ignore', () => {
    const text = LEAKY.replace('      POSTGRES_PASSWORD', '      # planes-ignore secret-in-environment -- CI fixture\n      POSTGRES_PASSWORD').replace('      MYSQL_ROOT_PASSWORD', '      # planes-ignore\n      MYSQL_ROOT_PASSWORD');
    const report = JSON.parse(planes(['check', '--format', 'json'], projectWith({ 'compose.yaml': text })).stdout);
    expect(report.summary.suppressed).toBe(1);
    expect(report.findings.map((f: { rule: string }) => f.rule)).toEqual(['invalid-ignore', 'secret-in-environment']);
  });

  it('exits 1 on warnings only past --max-warnings', () => {
    const root = projectWith({ 'compose.yaml': 'services:\n  db:\n    image: mysql\n    environment:\n      MYSQL_ROOT_PASSWORD: changeme\n' });
    expect(planes(['check'], root).status).toBe(0);
    expect(planes(['check', '--max-warnings', '0'], root).status).toBe(1);
    expect(planes(['check', '--max-warnings', 'many'], root).status).toBe(2);
  });

  it('follows Compose v5 where an included service is defined again, and says so in a note that keeps exit 0', () => {
    const root = projectWith({
      'compose.yaml': 'include: [db.yaml]\nservices:\n  db:\n    image: postgres:17\n',
      'db.yaml': 'services:\n  db:\n    image: postgres:16\n',
    });
    const result = planes(['check', '--format', 'json'], root);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).findings).toEqual([
      expect.objectContaining({ rule: 'load', severity: 'note', file: 'compose.yaml', line: 3, message: expect.stringContaining('Compose v5 and later lay this definition over the included one') }),
    ]);
  });

  it('prints no colour codes when NO_COLOR is set', () => {
    expect(planes(['check'], projectWith({ 'compose.yaml': LEAKY }), { NO_COLOR: '1' }).stdout).not.toMatch(/\u001b\[/);
  });
});

describe('planes check on bad input: a finding or an exit-2 message, never a crash, never a value', () => {
  const exitTwo: [string, Record<string, string | Buffer>, string[], RegExp][] = [
    ['invalid YAML', { 'compose.yaml': `services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: "${SECRET}\n` }, [], /^planes: compose\.yaml:\d+:\d+: invalid YAML/],
    ['a duplicate key', { 'compose.yaml': `services:\n  db:\n    image: postgres\n    environment: {POSTGRES_PASSWORD: ${SECRET}, POSTGRES_PASSWORD: x}\n` }, [], /^planes: compose\.yaml:4:\d+: duplicate key "POSTGRES_PASSWORD"/],
    ['binary data', { 'compose.yaml': Buffer.from([0x73, 0x3a, 0x00, 0xff, 0xfe, 0x01]) }, [], /^planes: compose\.yaml:\d+:\d+: the file holds binary data/],
    ['a missing -f file', { 'compose.yaml': 'services: {}\n' }, ['-f', 'nope.yml'], /^planes: compose file nope\.yml not found/],
    ['no compose file at all', { 'README.md': 'nothing here\n' }, [], /^planes: .*compose\.yaml/],
  ];
  it.each(exitTwo)('%s', (_, files, args, message) => {
    const result = planes(['check', ...args], projectWith(files));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  });

  it('an alias bomb', () => {
    const lines = ['x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 9; i++) {
      const [previous, own] = [String.fromCharCode(96 + i), String.fromCharCode(97 + i)];
      lines.push(`x-${own}: &${own} [${Array(9).fill(`*${previous}`).join(', ')}]`);
    }
    const result = planes(['check'], projectWith({ 'compose.yaml': `${lines.join('\n')}\nservices:\n  web:\n    image: nginx\n    labels: *i\n` }));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/alias bomb/);
  });

  it('a 50 MB file', () => {
    const big = 'services:\n  web:\n    image: nginx\n    labels:\n' + '      a.label: some value that repeats\n'.repeat(1_600_000);
    const result = planes(['check'], projectWith({ 'compose.yaml': big }));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^planes: compose\.yaml:1:1: the file is 5\d\.\d MB/);
  });

  it('an unreadable env_file and a build without a Dockerfile are findings at their entries', () => {
    const root = projectWith({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    env_file: ./web.env\n    build: ./ctx\n', 'ctx/app.py': '' });
    mkdirSync(join(root, 'web.env'));
    chmodSync(join(root, 'web.env'), 0o000);
    const report = JSON.parse(planes(['check', '--format', 'json'], root).stdout);
    expect(report.findings.map((f: { rule: string; line: number; column: number }) => [f.rule, f.line, f.column])).toEqual([
      ['load', 4, 15],
      ['load', 5, 5],
    ]);
  });
});
