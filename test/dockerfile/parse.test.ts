import { describe, expect, it } from 'vitest';
import { argAndEnvEntries, parseDockerfile, type DockerfileInstruction } from '../../src/dockerfile/parse.js';
import { InputError } from '../../src/errors.js';

const FILE = 'api/Dockerfile';

function parse(text: string): DockerfileInstruction[] {
  return parseDockerfile(text, FILE);
}

function entriesOf(text: string): { keyword: string; key: string; rawValue?: string; value?: string; line: number; column: number }[] {
  return argAndEnvEntries(parse(text)).map(({ keyword, key, rawValue, value, line, column }) => ({
    keyword,
    key,
    rawValue,
    value,
    line,
    column,
  }));
}

describe('parseDockerfile: instructions and their positions', () => {
  const cases: { name: string; text: string; expected: { keyword: string; line: number; column: number; endLine: number; argumentText: string }[] }[] = [
    {
      name: 'keywords in any case, leading whitespace',
      text: 'from alpine:3.20\n  Run echo hi\n',
      expected: [
        { keyword: 'FROM', line: 1, column: 1, endLine: 1, argumentText: 'alpine:3.20' },
        { keyword: 'RUN', line: 2, column: 3, endLine: 2, argumentText: 'echo hi' },
      ],
    },
    {
      name: 'comments and blank lines between instructions',
      text: '# a comment\n\nFROM alpine\n   # indented comment\n\nUSER app\n',
      expected: [
        { keyword: 'FROM', line: 3, column: 1, endLine: 3, argumentText: 'alpine' },
        { keyword: 'USER', line: 6, column: 1, endLine: 6, argumentText: 'app' },
      ],
    },
    {
      name: 'backslash continuation with comment and blank lines inside',
      text: 'FROM alpine\nRUN apk add \\\n# a comment inside\n\n    curl \\\n    git\nUSER app\n',
      expected: [
        { keyword: 'FROM', line: 1, column: 1, endLine: 1, argumentText: 'alpine' },
        { keyword: 'RUN', line: 2, column: 1, endLine: 6, argumentText: 'apk add     curl     git' },
        { keyword: 'USER', line: 7, column: 1, endLine: 7, argumentText: 'app' },
      ],
    },
    {
      name: 'continuation character followed by trailing spaces',
      text: 'RUN echo a \\   \n  b\n',
      expected: [{ keyword: 'RUN', line: 1, column: 1, endLine: 2, argumentText: 'echo a   b' }],
    },
    {
      name: 'an escaped backslash at the end of a line does not continue it',
      text: 'RUN echo a\\\\\nUSER app\n',
      expected: [
        { keyword: 'RUN', line: 1, column: 1, endLine: 1, argumentText: 'echo a\\\\' },
        { keyword: 'USER', line: 2, column: 1, endLine: 2, argumentText: 'app' },
      ],
    },
    {
      name: 'escape directive switches continuation to backtick',
      text: '# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir C:\\ `\n  /s\n',
      expected: [
        { keyword: 'FROM', line: 2, column: 1, endLine: 2, argumentText: 'mcr.microsoft.com/windows' },
        { keyword: 'RUN', line: 3, column: 1, endLine: 4, argumentText: 'dir C:\\   /s' },
      ],
    },
    {
      name: 'a directive after a comment is only a comment',
      text: '# hello\n# escape=`\nRUN echo a `\nUSER app\n',
      expected: [
        { keyword: 'RUN', line: 3, column: 1, endLine: 3, argumentText: 'echo a `' },
        { keyword: 'USER', line: 4, column: 1, endLine: 4, argumentText: 'app' },
      ],
    },
    {
      name: 'CRLF line endings and a byte-order mark',
      text: '\uFEFFFROM alpine\r\nRUN echo a \\\r\n  b\r\n',
      expected: [
        { keyword: 'FROM', line: 1, column: 1, endLine: 1, argumentText: 'alpine' },
        { keyword: 'RUN', line: 2, column: 1, endLine: 3, argumentText: 'echo a   b' },
      ],
    },
    {
      name: 'heredoc body is not parsed as instructions',
      text: 'FROM alpine\nRUN <<EOF\nENV PASSWORD=hunter2x\nUSER root\nEOF\nUSER app\n',
      expected: [
        { keyword: 'FROM', line: 1, column: 1, endLine: 1, argumentText: 'alpine' },
        { keyword: 'RUN', line: 2, column: 1, endLine: 5, argumentText: '<<EOF' },
        { keyword: 'USER', line: 6, column: 1, endLine: 6, argumentText: 'app' },
      ],
    },
    {
      name: 'two heredocs in one COPY, read in order',
      text: 'COPY <<ONE <<TWO /dst/\nfirst\nONE\nsecond\nTWO\nUSER app\n',
      expected: [
        { keyword: 'COPY', line: 1, column: 1, endLine: 5, argumentText: '<<ONE <<TWO /dst/' },
        { keyword: 'USER', line: 6, column: 1, endLine: 6, argumentText: 'app' },
      ],
    },
    {
      name: '<<- allows a tab-indented delimiter; a space-indented one does not end it',
      text: 'RUN <<-EOF\n\techo hi\n  EOF\n\tEOF\nUSER app\n',
      expected: [
        { keyword: 'RUN', line: 1, column: 1, endLine: 4, argumentText: '<<-EOF' },
        { keyword: 'USER', line: 5, column: 1, endLine: 5, argumentText: 'app' },
      ],
    },
    {
      name: 'heredoc opened on a continued line',
      text: 'RUN --mount=type=cache,target=/root \\\n  python3 <<"PY"\nprint(1)\nPY\nUSER app\n',
      expected: [
        { keyword: 'RUN', line: 1, column: 1, endLine: 4, argumentText: 'python3 <<"PY"' },
        { keyword: 'USER', line: 5, column: 1, endLine: 5, argumentText: 'app' },
      ],
    },
    {
      name: 'quoted << and exec form are not heredocs',
      text: 'RUN echo "<<EOF"\nRUN ["sh", "-c", "cat <<EOF"]\nUSER app\n',
      expected: [
        { keyword: 'RUN', line: 1, column: 1, endLine: 1, argumentText: 'echo "<<EOF"' },
        { keyword: 'RUN', line: 2, column: 1, endLine: 2, argumentText: '["sh", "-c", "cat <<EOF"]' },
        { keyword: 'USER', line: 3, column: 1, endLine: 3, argumentText: 'app' },
      ],
    },
    {
      name: 'here-strings (<<<) are not heredocs',
      text: 'RUN cat <<<hello\nUSER app\n',
      expected: [
        { keyword: 'RUN', line: 1, column: 1, endLine: 1, argumentText: 'cat <<<hello' },
        { keyword: 'USER', line: 2, column: 1, endLine: 2, argumentText: 'app' },
      ],
    },
  ];

  it.each(cases)('$name', ({ text, expected }) => {
    expect(
      parse(text).map(({ keyword, line, column, endLine, argumentText }) => ({ keyword, line, column, endLine, argumentText })),
    ).toEqual(expected);
  });

  it('keeps heredoc bodies with their first line', () => {
    const [run] = parse('RUN <<EOF bash\nset -e\necho hi\nEOF\n');
    expect(run?.heredocs).toEqual([{ name: 'EOF', body: 'set -e\necho hi\n', line: 2 }]);
  });
});

describe('parseDockerfile: ARG and ENV entries', () => {
  const cases: { name: string; text: string; expected: ReturnType<typeof entriesOf> }[] = [
    {
      name: 'ARG without default',
      text: 'ARG NODE_VERSION',
      expected: [{ keyword: 'ARG', key: 'NODE_VERSION', rawValue: undefined, value: undefined, line: 1, column: 5 }],
    },
    {
      name: 'ARG with a default, and an empty one',
      text: 'ARG NODE_VERSION=20\nARG EMPTY=',
      expected: [
        { keyword: 'ARG', key: 'NODE_VERSION', rawValue: '20', value: '20', line: 1, column: 5 },
        { keyword: 'ARG', key: 'EMPTY', rawValue: '', value: '', line: 2, column: 5 },
      ],
    },
    {
      name: 'several ARGs on one line',
      text: 'ARG A=1 B=2  C',
      expected: [
        { keyword: 'ARG', key: 'A', rawValue: '1', value: '1', line: 1, column: 5 },
        { keyword: 'ARG', key: 'B', rawValue: '2', value: '2', line: 1, column: 9 },
        { keyword: 'ARG', key: 'C', rawValue: undefined, value: undefined, line: 1, column: 14 },
      ],
    },
    {
      name: 'ARG default in quotes with a space',
      text: 'ARG GREETING="hello world"',
      expected: [{ keyword: 'ARG', key: 'GREETING', rawValue: '"hello world"', value: 'hello world', line: 1, column: 5 }],
    },
    {
      name: 'ENV key=value pairs with quotes and escapes',
      text: `ENV KEY=value KEY2="quoted value" KEY3='single $HOME' KEY4=a\\ b`,
      expected: [
        { keyword: 'ENV', key: 'KEY', rawValue: 'value', value: 'value', line: 1, column: 5 },
        { keyword: 'ENV', key: 'KEY2', rawValue: '"quoted value"', value: 'quoted value', line: 1, column: 15 },
        { keyword: 'ENV', key: 'KEY3', rawValue: "'single $HOME'", value: 'single $HOME', line: 1, column: 35 },
        { keyword: 'ENV', key: 'KEY4', rawValue: 'a\\ b', value: 'a b', line: 1, column: 55 },
      ],
    },
    {
      name: 'escapes inside double quotes',
      text: 'ENV MSG="say \\"hi\\" for \\$5 \\n"',
      expected: [{ keyword: 'ENV', key: 'MSG', rawValue: '"say \\"hi\\" for \\$5 \\n"', value: 'say "hi" for $5 \\n', line: 1, column: 5 }],
    },
    {
      name: 'legacy ENV form keeps the rest of the line as the value',
      text: 'ENV GREETING hello   big world  ',
      expected: [{ keyword: 'ENV', key: 'GREETING', rawValue: 'hello   big world', value: 'hello   big world', line: 1, column: 5 }],
    },
    {
      name: 'legacy ENV form with a quoted value',
      text: 'ENV GREETING "hello world"',
      expected: [{ keyword: 'ENV', key: 'GREETING', rawValue: '"hello world"', value: 'hello world', line: 1, column: 5 }],
    },
    {
      name: 'each key keeps its own line across continuations',
      text: 'FROM alpine\nENV A=1 \\\n    # comment\n    B=2 \\\n\n  C="x y"\n',
      expected: [
        { keyword: 'ENV', key: 'A', rawValue: '1', value: '1', line: 2, column: 5 },
        { keyword: 'ENV', key: 'B', rawValue: '2', value: '2', line: 4, column: 5 },
        { keyword: 'ENV', key: 'C', rawValue: '"x y"', value: 'x y', line: 6, column: 3 },
      ],
    },
    {
      name: 'variable references stay as written',
      text: 'ARG TOKEN=${NPM_TOKEN:-default}\nENV URL=postgres://app:$DB_PASSWORD@db/app',
      expected: [
        { keyword: 'ARG', key: 'TOKEN', rawValue: '${NPM_TOKEN:-default}', value: '${NPM_TOKEN:-default}', line: 1, column: 5 },
        { keyword: 'ENV', key: 'URL', rawValue: 'postgres://app:$DB_PASSWORD@db/app', value: 'postgres://app:$DB_PASSWORD@db/app', line: 2, column: 5 },
      ],
    },
    {
      name: 'backtick escape keeps backslashes literal',
      text: '# escape=`\nENV DIR=C:\\app WIN="a`"b"',
      expected: [
        { keyword: 'ENV', key: 'DIR', rawValue: 'C:\\app', value: 'C:\\app', line: 2, column: 5 },
        { keyword: 'ENV', key: 'WIN', rawValue: '"a`"b"', value: 'a"b', line: 2, column: 16 },
      ],
    },
    {
      name: 'ONBUILD ARG/ENV count: they land in child images',
      text: 'FROM alpine\nONBUILD ENV API_TOKEN=abc',
      expected: [{ keyword: 'ENV', key: 'API_TOKEN', rawValue: 'abc', value: 'abc', line: 2, column: 13 }],
    },
    {
      name: 'LABEL entries are not ARG/ENV entries',
      text: 'LABEL org.opencontainers.image.title="api"\nENV A=1',
      expected: [{ keyword: 'ENV', key: 'A', rawValue: '1', value: '1', line: 2, column: 5 }],
    },
    {
      name: 'ENV inside a heredoc body is not an entry',
      text: 'RUN <<EOF\nENV PASSWORD=hunter2x\nEOF\nENV B=2',
      expected: [{ keyword: 'ENV', key: 'B', rawValue: '2', value: '2', line: 4, column: 5 }],
    },
  ];

  it.each(cases)('$name', ({ text, expected }) => {
    expect(entriesOf(text)).toEqual(expected);
  });

  it('parses LABEL in both forms', () => {
    const [pairs, legacy] = parse('LABEL a.b="x y" c=d\nLABEL maintainer someone@example.com');
    expect(pairs?.keyword === 'LABEL' && pairs.entries.map(({ key, value }) => [key, value])).toEqual([
      ['a.b', 'x y'],
      ['c', 'd'],
    ]);
    expect(legacy?.keyword === 'LABEL' && legacy.entries.map(({ key, value }) => [key, value])).toEqual([
      ['maintainer', 'someone@example.com'],
    ]);
  });
});

describe('parseDockerfile: flags, mounts, FROM, ONBUILD', () => {
  it('parses RUN flags and mount options', () => {
    const [run] = parse(
      'RUN --network=none --mount=type=secret,id=npm,env=NPM_TOKEN \\\n  --mount="type=cache,target=/root/.npm,sharing=locked" --mount=target=/src,ro npm ci',
    );
    expect(run?.keyword).toBe('RUN');
    if (run?.keyword !== 'RUN') return;
    expect(run.flags.map(({ name, value, line, column }) => ({ name, value, line, column }))).toEqual([
      { name: 'network', value: 'none', line: 1, column: 5 },
      { name: 'mount', value: 'type=secret,id=npm,env=NPM_TOKEN', line: 1, column: 20 },
      { name: 'mount', value: 'type=cache,target=/root/.npm,sharing=locked', line: 2, column: 3 },
      { name: 'mount', value: 'target=/src,ro', line: 2, column: 57 },
    ]);
    expect(run.mounts).toEqual([
      { type: 'secret', options: { type: 'secret', id: 'npm', env: 'NPM_TOKEN' }, line: 1, column: 20 },
      { type: 'cache', options: { type: 'cache', target: '/root/.npm', sharing: 'locked' }, line: 2, column: 3 },
      { type: 'bind', options: { target: '/src', ro: 'true' }, line: 2, column: 57 },
    ]);
    expect(run.argumentText).toBe('npm ci');
  });

  it('lower-cases mount option keys', () => {
    const [run] = parse('RUN --mount=Type=secret,ID=npmrc,,Target=/root/.npmrc npm ci');
    expect(run?.keyword === 'RUN' && run.mounts[0]?.options).toEqual({ type: 'secret', id: 'npmrc', target: '/root/.npmrc' });
  });

  it.each([
    ['FROM node:20-alpine', 'node:20-alpine', undefined],
    ['FROM node:20-alpine AS build', 'node:20-alpine', 'build'],
    ['from --platform=$BUILDPLATFORM golang:1.22 as Builder', 'golang:1.22', 'Builder'],
  ])('%s', (text, image, stage) => {
    const [from] = parse(text);
    expect(from?.keyword === 'FROM' && { image: from.image, stage: from.stage }).toEqual({ image, stage });
  });

  it('keeps the platform flag of FROM', () => {
    const [from] = parse('FROM --platform=linux/amd64 alpine');
    expect(from?.flags.map(({ name, value }) => ({ name, value }))).toEqual([{ name: 'platform', value: 'linux/amd64' }]);
  });

  it('parses the trigger of ONBUILD, heredoc included', () => {
    const [onbuild, user] = parse('ONBUILD RUN <<EOF\necho hi\nEOF\nUSER app');
    expect(onbuild?.keyword).toBe('ONBUILD');
    if (onbuild?.keyword !== 'ONBUILD') return;
    expect(onbuild.endLine).toBe(3);
    expect(onbuild.trigger).toMatchObject({ keyword: 'RUN', line: 1, column: 9, heredocs: [{ name: 'EOF', body: 'echo hi\n' }] });
    expect(user).toMatchObject({ keyword: 'USER', line: 4 });
  });
});

describe('parseDockerfile: bad input', () => {
  const cases: { name: string; text: string; line: number; column: number; message: RegExp }[] = [
    { name: 'unknown instruction', text: 'FROM alpine\nENV A=1\n  PASSWORD=hunter2x', line: 3, column: 3, message: /unknown Dockerfile instruction/ },
    { name: 'ENV without a value', text: 'ENV LONELY', line: 1, column: 5, message: /ENV needs a value/ },
    { name: 'ENV pair without =', text: 'ENV A=1 hunter2x', line: 1, column: 9, message: /ENV expects KEY=value/ },
    { name: 'ENV with nothing', text: 'ENV', line: 1, column: 4, message: /ENV needs KEY=value/ },
    { name: 'empty ARG name', text: 'ARG =x', line: 1, column: 5, message: /ARG needs a name/ },
    { name: 'FROM without an image', text: 'FROM', line: 1, column: 1, message: /FROM needs an image/ },
    { name: 'unterminated heredoc', text: 'RUN <<EOF\necho hi\n', line: 1, column: 5, message: /unterminated heredoc/ },
    { name: 'ONBUILD ONBUILD', text: 'ONBUILD ONBUILD RUN x', line: 1, column: 1, message: /ONBUILD cannot trigger ONBUILD/ },
    { name: 'bad escape directive', text: '# escape=x\nFROM alpine', line: 1, column: 1, message: /escape parser directive/ },
    { name: 'repeated directive', text: '# escape=`\n# ESCAPE=\\\nFROM alpine', line: 2, column: 1, message: /only once/ },
  ];

  it.each(cases)('$name', ({ text, line, column, message }) => {
    let error: unknown;
    try {
      parse(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    const inputError = error as InputError;
    expect(inputError.position).toEqual({ file: FILE, line, column });
    expect(inputError.problem).toMatch(message);
    expect(inputError.message).not.toContain('hunter2x');
  });
});

describe('leak cases at the parser level (leak-cases.md)', () => {
  it('24: ARG GITHUB_TOKEN is an entry without a value', () => {
    expect(entriesOf('FROM alpine\nARG GITHUB_TOKEN\n')).toEqual([
      { keyword: 'ARG', key: 'GITHUB_TOKEN', rawValue: undefined, value: undefined, line: 2, column: 5 },
    ]);
  });

  it('25: ENV PASSWORD hunter2x (space form) is an entry holding the value', () => {
    expect(entriesOf('FROM alpine\nENV PASSWORD hunter2x\n')).toEqual([
      { keyword: 'ENV', key: 'PASSWORD', rawValue: 'hunter2x', value: 'hunter2x', line: 2, column: 5 },
    ]);
  });

  it('26: a secret mount exposing NPM_TOKEN is a mount, not an ARG/ENV entry', () => {
    const instructions = parse('FROM node:20\nRUN --mount=type=secret,id=npm,env=NPM_TOKEN npm ci\n');
    expect(argAndEnvEntries(instructions)).toEqual([]);
    const run = instructions[1];
    expect(run?.keyword === 'RUN' && run.mounts).toEqual([
      { type: 'secret', options: { type: 'secret', id: 'npm', env: 'NPM_TOKEN' }, line: 2, column: 5 },
    ]);
    expect(run?.argumentText).toBe('npm ci');
  });
});
