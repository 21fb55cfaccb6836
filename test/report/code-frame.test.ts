import { describe, expect, it } from 'vitest';
import { MASK, maskSourceLine } from '../../src/report/code-frame.js';

const M = MASK;

describe('maskSourceLine', () => {
  const cases: { name: string; line: string; needle: string; key: string | null; text: string; secret: string }[] = [
    {
      name: 'YAML map entry',
      line: '      DB_PASSWORD: quill-Zebra-7sword  # dev only',
      needle: 'DB_PASSWORD',
      key: 'DB_PASSWORD',
      text: `      DB_PASSWORD: ${M}`,
      secret: 'quill-Zebra-7sword',
    },
    {
      name: 'YAML list entry, column at the dash',
      line: '      - DB_PASSWORD=quill-Zebra-7sword',
      needle: '-',
      key: 'DB_PASSWORD',
      text: `      - DB_PASSWORD=${M}`,
      secret: 'quill-Zebra-7sword',
    },
    {
      name: 'quoted YAML list entry with # inside the value',
      line: '      - "POSTGRES_PASSWORD=Xk9#mP2vQ7rT"',
      needle: '"',
      key: 'POSTGRES_PASSWORD',
      text: `      - "POSTGRES_PASSWORD=${M}`,
      secret: 'Xk9#mP2vQ7rT',
    },
    {
      name: 'quoted YAML key',
      line: '  "API_TOKEN": "9f8e7d6c5b4a39281706f5e4d3c2b1a0"',
      needle: '"API_TOKEN"',
      key: 'API_TOKEN',
      text: `  "API_TOKEN": ${M}`,
      secret: '9f8e7d6c5b4a',
    },
    {
      name: 'URL with a password',
      line: '  DATABASE_URL: postgres://app:S3cr3tPassw0rd@db/app',
      needle: 'DATABASE_URL',
      key: 'DATABASE_URL',
      text: `  DATABASE_URL: ${M}`,
      secret: 'S3cr3tPassw0rd',
    },
    {
      name: 'second entry of a flow mapping: the first value is masked too',
      line: 'x-env: &env {API_TOKEN: 9f8e7d6c5b4a39281706f5e4d3c2b1a0, SESSION_SECRET: Zq7!vR2#pL9@wX4}',
      needle: 'SESSION_SECRET',
      key: 'SESSION_SECRET',
      text: `x-env: &env {${M} SESSION_SECRET: ${M}`,
      secret: '9f8e7d6c5b4a',
    },
    {
      name: 'first entry of a flow mapping',
      line: 'x-env: &env {API_TOKEN: 9f8e7d6c5b4a39281706f5e4d3c2b1a0, SESSION_SECRET: Zq7!vR2#pL9@wX4}',
      needle: 'API_TOKEN',
      key: 'API_TOKEN',
      text: `x-env: &env {API_TOKEN: ${M}`,
      secret: 'Zq7!vR2#pL9@wX4',
    },
    {
      name: 'flow sequence of KEY=value strings',
      line: '    environment: ["POSTGRES_PASSWORD=Xk9#mP2vQ7rT"]',
      needle: '"POSTGRES',
      key: 'POSTGRES_PASSWORD',
      text: `    environment: ["POSTGRES_PASSWORD=${M}`,
      secret: 'Xk9#mP2vQ7rT',
    },
    {
      name: 'env file with export and a trailing comment',
      line: 'export SECRET_KEY_BASE="3f9a8b7c6d5e4f30" # prod',
      needle: 'export',
      key: 'SECRET_KEY_BASE',
      text: `export SECRET_KEY_BASE=${M}`,
      secret: '3f9a8b7c6d5e4f30',
    },
    {
      name: 'Dockerfile legacy ENV form',
      line: 'ENV PASSWORD hunter2x and more',
      needle: 'PASSWORD',
      key: 'PASSWORD',
      text: `ENV PASSWORD ${M}`,
      secret: 'hunter2x',
    },
    {
      name: 'Dockerfile ENV, second pair: the first pair is masked too',
      line: 'ENV DB_USER=admin PASSWORD=hunter2x',
      needle: 'PASSWORD',
      key: 'PASSWORD',
      text: `ENV ${M} PASSWORD=${M}`,
      secret: 'admin',
    },
    {
      name: 'Dockerfile ARG without a value shows the whole line',
      line: 'ARG GITHUB_TOKEN',
      needle: 'GITHUB_TOKEN',
      key: 'GITHUB_TOKEN',
      text: 'ARG GITHUB_TOKEN',
      secret: 'never-present',
    },
    {
      name: 'command line: no key, column at the value',
      line: '    command: redis-server --requirepass Hx7redisPass',
      needle: 'redis-server',
      key: null,
      text: `    command: ${M}`,
      secret: 'Hx7redisPass',
    },
    {
      name: 'no key, column at a YAML key',
      line: '    command: redis-server --requirepass Hx7redisPass',
      needle: 'command',
      key: null,
      text: `    command: ${M}`,
      secret: 'Hx7redisPass',
    },
    {
      name: 'exec-form healthcheck item, column at the password argument',
      line: '      test: ["CMD", "mysqladmin", "ping", "-uroot", "-pR00tPassw0rd!"]',
      needle: '"-pR00t',
      key: null,
      text: `      test: [${M} ${M}`,
      secret: 'R00tPassw0rd',
    },
    {
      name: 'a key that is only a prefix of the written key is not trusted',
      line: '  DB: x9Secret',
      needle: 'DB',
      key: 'D',
      text: `  DB: ${M}`,
      secret: 'x9Secret',
    },
    {
      name: 'a value-detected token as a bare list item',
      line: '      - ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5',
      needle: 'ghp_',
      key: null,
      text: `      - ${M}`,
      secret: 'ghp_aB3dE5',
    },
    {
      name: 'null value shows the key',
      line: '      DB_PASSWORD:',
      needle: 'DB_PASSWORD',
      key: 'DB_PASSWORD',
      text: '      DB_PASSWORD:',
      secret: 'never-present',
    },
  ];

  it.each(cases)('$name', ({ line, needle, key, text, secret }) => {
    const column = line.indexOf(needle) + 1;
    const masked = maskSourceLine(line, column, key);
    expect(masked.text).toBe(text);
    expect(masked.text).not.toContain(secret);
  });

  it('points the caret at the entry, after a masked prefix', () => {
    const line = 'ENV DB_USER=admin PASSWORD=hunter2x';
    const masked = maskSourceLine(line, line.indexOf('PASSWORD') + 1, 'PASSWORD');
    expect(masked.text.slice(masked.caretIndex)).toMatch(/^PASSWORD=/);
  });

  it('points the caret at the column when nothing before it is masked', () => {
    const masked = maskSourceLine('\t\tDB_PASSWORD: x', 3, 'DB_PASSWORD');
    expect(masked).toEqual({ text: `\t\tDB_PASSWORD: ${M}`, caretIndex: 2 });
  });

  it('keeps a caret past the end of a line with trailing spaces', () => {
    expect(maskSourceLine('  DB_PASSWORD:   ', 17, 'DB_PASSWORD')).toEqual({ text: '  DB_PASSWORD:  ', caretIndex: 16 });
  });

  it('replaces control characters one for one', () => {
    const masked = maskSourceLine('\u001b[2J  KEY_\u001b: x', 1, null);
    expect(masked.text).not.toContain('\u001b');
  });

  // Where a finding points at a file, a build context or an image, the frame shows it; anything
  // the redaction path would hide, or that could carry more than a location, stays masked.
  const locations: { name: string; line: string; column: 'key' | 'value'; key: string | null; text: string; canary?: string }[] = [
    { name: 'a secret file path, column at the value', line: '    file: ./secrets/db_password.txt', column: 'value', key: 'db_password', text: '    file: ./secrets/db_password.txt' },
    { name: 'a build context, column at the key', line: '    build: ./compose/api', column: 'key', key: null, text: '    build: ./compose/api' },
    { name: 'an image with a registry port and a digest', line: '    image: "localhost:5000/shop/api@sha256:0123abcd"', column: 'value', key: null, text: '    image: "localhost:5000/shop/api@sha256:0123abcd"' },
    { name: 'a context in a list item', line: '  - context: ../api', column: 'value', key: null, text: '  - context: ../api' },
    { name: 'an env_file path', line: "    env_file: 'config/dev.env'", column: 'value', key: null, text: "    env_file: 'config/dev.env'" },
    { name: 'a path built from a plain reference', line: '    file: ${SECRETS_DIR}/db.txt', column: 'value', key: 'db', text: '    file: ${SECRETS_DIR}/db.txt' },
    { name: 'a comment after the path is masked', line: '    file: ./db.txt   # was Qz8canaryPw', column: 'value', key: 'db', text: `    file: ./db.txt ${M}`, canary: 'Qz8canaryPw' },
    { name: 'a token where an image belongs', line: '    image: ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5', column: 'value', key: null, text: `    image: ${M}`, canary: 'ghp_aB3dE5' },
    { name: 'a URL with a password as a file', line: '    file: postgres://app:Qz8canaryPw@db/app', column: 'value', key: 'db', text: `    file: ${M}`, canary: 'Qz8canaryPw' },
    { name: 'a default inside the reference', line: '    file: ${DB_FILE:-Qz8canaryPw}', column: 'value', key: 'db', text: `    file: ${M}`, canary: 'Qz8canaryPw' },
    { name: 'a path with a space', line: '    file: "./my Qz8canaryPw.txt"', column: 'value', key: 'db', text: `    file: ${M}`, canary: 'Qz8canaryPw' },
    { name: 'a flow mapping under build', line: '    build: { context: ., args: { NPM_TOKEN: Qz8canaryPw } }', column: 'value', key: null, text: `    build: ${M}`, canary: 'Qz8canaryPw' },
    { name: 'a variable named like a location key, the finding about it', line: '      path: Qz8canaryPw', column: 'key', key: 'path', text: `      path: ${M}`, canary: 'Qz8canaryPw' },
    { name: 'a key that is not a location', line: '    command: Qz8canaryPw', column: 'value', key: null, text: `    command: ${M}`, canary: 'Qz8canaryPw' },
  ];

  it.each(locations)('location: $name', ({ line, column, key, text, canary }) => {
    const at = column === 'key' ? line.search(/\S/) + (line.trimStart().startsWith('- ') ? 2 : 0) : line.indexOf(': ') + 2;
    const masked = maskSourceLine(line, at + 1, key);
    expect(masked.text).toBe(text);
    expect(masked.caretIndex).toBe(at);
    if (canary !== undefined) expect(masked.text).not.toContain(canary);
  });

  it('a location is shown only when the finding points at its entry', () => {
    const line = 'x: {file: Qz8canaryPw}';
    expect(maskSourceLine(line, line.indexOf('Qz8') + 1, null).text).not.toContain('Qz8canaryPw');
  });
});
