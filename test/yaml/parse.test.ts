import { describe, expect, it } from 'vitest';
import { originOf, originsOf, type Origin } from '../../src/yaml/origins.js';
import { InputError } from '../../src/errors.js';
import { yamlAliasBomb } from '../../bench/adversarial.js';
import { MAX_ALIAS_EXPANSION, parseYaml, type YamlMapping, type YamlValue } from '../../src/yaml/parse.js';

const FILE = 'compose.yaml';

function parse(text: string): YamlMapping {
  const [document] = parseYaml(text, FILE);
  return document as YamlMapping;
}

/** `line:column` of the key and of the value of one entry. */
function at(container: unknown, key: string | number): { key?: string; value: string } {
  const origin = originOf(container as object, key) as Origin;
  expect(origin, `origin of ${String(key)}`).toBeDefined();
  const show = (position: { line: number; column: number }) => `${position.line}:${position.column}`;
  return origin.key === undefined ? { value: show(origin.value) } : { key: show(origin.key), value: show(origin.value) };
}

function failure(text: string): InputError {
  try {
    parseYaml(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected the parse to fail');
}

describe('parseYaml: plain data', () => {
  it('gives plain objects, arrays and scalars', () => {
    const document = parse('a: 1\nb: [x, "y"]\nc: {d: true}\ne:\n');
    expect(document).toEqual({ a: 1, b: ['x', 'y'], c: { d: true }, e: null });
    expect(Object.getPrototypeOf(document)).toBe(Object.prototype);
  });

  it('reads every document of a stream, an empty one as null (Compose refuses it), none in a text without any', () => {
    expect(parseYaml('a: 1\n---\n# nothing\n---\nb: 2\n', FILE)).toEqual([{ a: 1 }, null, { b: 2 }]);
    expect(parseYaml('a: 1\n---\n', FILE)).toEqual([{ a: 1 }, null]);
    expect(parseYaml('', FILE)).toEqual([]);
    expect(parseYaml('# nothing\n', FILE)).toEqual([]);
  });

  it('skips a UTF-8 byte order mark without shifting columns', () => {
    const document = parse('\uFEFFa: 1\n');
    expect(document).toEqual({ a: 1 });
    expect(at(document, 'a')).toEqual({ key: '1:1', value: '1:4' });
  });

  it('keeps a __proto__ key as data', () => {
    const document = parse('__proto__: {polluted: true}\n');
    expect(Object.keys(document)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(document)).toBe(Object.prototype);
  });
});

describe('parseYaml: positions', () => {
  const text = [
    'services:', //                          1
    '  api:', //                             2
    '    image: nginx', //                   3
    '    environment:', //                   4
    '      - "DB_PASSWORD=x"', //            5
    '      - PLAIN', //                      6
    '    labels: {a: "1", b: 2}', //         7
    '    command: |', //                     8
    '      run --fast', //                   9
    '      --more', //                       10
    "    entrypoint: 'sh'", //               11
    '    user:', //                          12
  ].join('\n');
  const document = parse(text);
  const api = (document['services'] as YamlMapping)['api'] as YamlMapping;

  it('locates mapping keys and their values', () => {
    expect(at(document, 'services')).toEqual({ key: '1:1', value: '2:3' });
    expect(at(api, 'image')).toEqual({ key: '3:5', value: '3:12' });
  });

  it('locates list items, a quoted item at its quote', () => {
    expect(at(api['environment'], 0)).toEqual({ value: '5:9' });
    expect(at(api['environment'], 1)).toEqual({ value: '6:9' });
  });

  it('locates entries of a flow mapping', () => {
    expect(at(api['labels'], 'a')).toEqual({ key: '7:14', value: '7:17' });
    expect(at(api['labels'], 'b')).toEqual({ key: '7:22', value: '7:25' });
  });

  it('locates a block scalar at its first line of content', () => {
    expect(api['command']).toBe('run --fast\n--more\n');
    expect(at(api, 'command')).toEqual({ key: '8:5', value: '9:7' });
  });

  it('locates a single-quoted scalar at its quote and an empty value at its key', () => {
    expect(at(api, 'entrypoint')).toEqual({ key: '11:5', value: '11:17' });
    expect(api['user']).toBeNull();
    expect(at(api, 'user')).toEqual({ key: '12:5', value: '12:5' });
  });
});

describe('parseYaml: anchors, aliases and merge keys', () => {
  const text = [
    'x-env: &env', //                        1
    '  API_TOKEN: abc', //                   2
    'x-base: &base', //                      3
    '  image: app', //                       4
    '  restart: always', //                  5
    'x-more: &more {image: other, init: true}', // 6
    'services:', //                          7
    '  a:', //                               8
    '    environment: *env', //              9
    '  b:', //                               10
    '    environment: *env', //              11
    '  c:', //                               12
    '    <<: *base', //                      13
    '    restart: "no"', //                  14
    '  d:', //                               15
    '    <<: [*more, *base]', //             16
  ].join('\n');
  const document = parse(text);
  const services = document['services'] as Record<string, YamlMapping>;

  it('makes an aliased mapping the same object as its anchor, located at the anchor', () => {
    expect(services['a']?.['environment']).toBe(document['x-env']);
    expect(services['b']?.['environment']).toBe(document['x-env']);
    expect(at(services['a']?.['environment'], 'API_TOKEN')).toEqual({ key: '2:3', value: '2:14' });
    expect(at(services['a'], 'environment')).toEqual({ key: '9:5', value: '2:3' });
  });

  it('merges with <<: keys written in the mapping win, merged entries keep their anchor positions', () => {
    expect(services['c']).toEqual({ image: 'app', restart: 'no' });
    expect(at(services['c'], 'restart')).toEqual({ key: '14:5', value: '14:14' });
    expect(at(services['c'], 'image')).toEqual({ key: '4:3', value: '4:10' });
  });

  it('merges a list of mappings, the first one winning', () => {
    expect(services['d']).toEqual({ image: 'other', init: true, restart: 'always' });
    expect(at(services['d'], 'image')).toEqual({ key: '6:16', value: '6:23' });
    expect(at(services['d'], 'restart')).toEqual({ key: '5:3', value: '5:12' });
    expect(Object.hasOwn(services['d'] as object, '<<')).toBe(false);
  });

  it('refuses an alias to an anchor not defined before it', () => {
    const error = failure('a: *nowhere\n');
    expect(error.position).toEqual({ file: FILE, line: 1, column: 4 });
    expect(error.problem).toContain('*nowhere');
  });

  it('refuses a merge of something that is not a mapping', () => {
    expect(failure('x: &x [1]\ny:\n  <<: *x\n').problem).toContain('<<');
  });

  // bench/guards.ts times it.
  it('stops an alias bomb with a clear error', () => {
    const error = failure(yamlAliasBomb());
    expect(error.problem).toContain(`more than ${MAX_ALIAS_EXPANSION}`);
    expect(error.position.line).toBeGreaterThan(1);
  });

  it('accepts many aliases that do not multiply', () => {
    const services = Array.from({ length: 2000 }, (_, i) => `  s${i}:\n    <<: *base\n    environment: *env`).join('\n');
    const document = parse(`x-base: &base {image: app, restart: always}\nx-env: &env {A: "1"}\nservices:\n${services}\n`);
    expect(Object.keys(document['services'] as object)).toHaveLength(2000);
  });
});

describe('parseYaml: Compose tags', () => {
  it('drops a !reset entry but keeps its origin, tagged, for the merge stage', () => {
    const document = parse('ports: !reset []\nenvironment:\n  A: !reset\n  B: b\n');
    expect(document).toEqual({ environment: { B: 'b' } });
    expect(originOf(document, 'ports')?.tag).toBe('!reset');
    expect(originOf(document['environment'] as object, 'A')?.tag).toBe('!reset');
  });

  it('lets a merged value come back over a !reset entry, as Compose does', () => {
    const document = parse('x: &x {ports: ["80:80"]}\ns:\n  <<: *x\n  ports: !reset []\n');
    expect(document['s']).toEqual({ ports: ['80:80'] });
    expect(originOf(document['s'] as object, 'ports')).toMatchObject({ tag: '!override', key: { line: 1, column: 8 } });
  });

  it('drops a !reset list item', () => {
    expect(parse('l: [a, !reset b, c]\n')).toEqual({ l: ['a', 'c'] });
  });

  it('keeps an !override value and marks it', () => {
    const document = parse('environment: !override {C: 3}\n');
    expect(document).toEqual({ environment: { C: 3 } });
    expect(originOf(document, 'environment')?.tag).toBe('!override');
  });
});

describe('parseYaml: scalars as Compose (go-yaml v3) reads them', () => {
  it.each<[string, YamlValue]>([
    ['on', 'on'],
    ['off', 'off'],
    ['yes', 'yes'],
    ['no', 'no'],
    ['true', true],
    ['False', false],
    ['~', null],
    ['Null', null],
    ['0644', 420],
    ['0o17', 15],
    ['0x1F', 31],
    ['0b101', 5],
    ['-0b11', -3],
    ['+12', 12],
    ['1_000', 1000],
    ['1e3', 1000],
    ['.5', 0.5],
    ['09', 9],
    ['.inf', Infinity],
    ['-.Inf', -Infinity],
    ['2001-12-14', '2001-12-14'],
    ['1.2.3', '1.2.3'],
    ['"0644"', '0644'],
    ["'true'", 'true'],
    ['!!str 0644', '0644'],
    ['!!int "12"', 12],
    ['!!float 3', 3],
    ['!!bool "true"', true],
    ['!!binary aGVsbG8=', 'hello'],
    ['!custom 12', '12'],
  ])('%s', (written, expected) => {
    expect(parse(`v: ${written}\n`)['v']).toEqual(expected);
  });

  it('marks floats, which Compose prints in Go form', () => {
    const document = parse('a: 1e6\nb: 1000000\n');
    expect(originOf(document, 'a')?.float).toBe(true);
    expect(originOf(document, 'b')?.float).toBeUndefined();
  });

  it('refuses an explicit tag the text does not fit, at the text', () => {
    const error = failure('a:\n  b: !!int abc\n');
    expect(error.position).toEqual({ file: FILE, line: 2, column: 12 });
  });
});

describe('parseYaml: errors', () => {
  it('reports a duplicate key at the second key', () => {
    const error = failure('services:\n  api:\n    image: a\n    image: b\n');
    expect(error.position).toEqual({ file: FILE, line: 4, column: 5 });
    expect(error.message).toBe('compose.yaml:4:5: duplicate key "image" in this mapping: remove one of them');
  });

  it('counts a !reset key and a "<<" key as keys for duplicates', () => {
    expect(failure('a: !reset\na: 1\n').position.line).toBe(2);
    expect(failure('x: &x {}\ny:\n  <<: *x\n  <<: *x\n').position.line).toBe(4);
  });

  it('reports a syntax error with its line and column, without the source text', () => {
    const error = failure('services:\n  api:\n    environment: [SECRET=hunter2\n');
    expect(error.position.file).toBe(FILE);
    expect(error.position.line).toBeGreaterThanOrEqual(3);
    expect(error.message).not.toContain('hunter2');
  });

  it('reports a tab in the indentation', () => {
    expect(failure('a:\n\tb: 1\n').position).toMatchObject({ line: 2 });
  });

  it('refuses a key that is not a string, as Compose does', () => {
    expect(failure('environment:\n  1: a\n').position).toEqual({ file: FILE, line: 2, column: 3 });
    expect(failure('? [a]\n: b\n').problem).toContain('string');
  });

  it('refuses nesting deeper than the parser allows, saying so', () => {
    const error = failure(`${'['.repeat(200)}${']'.repeat(200)}`);
    expect(error.position).toEqual({ file: FILE, line: 1, column: 100 });
    expect(error.problem).toMatch(/^the YAML nests more than 100 levels deep/);
  });

  it('refuses nesting that aliases build past the limit, where the alias is', () => {
    // Each anchor holds the one before it: 150 levels from two levels of text.
    const chain = Array.from({ length: 150 }, (_, i) => (i === 0 ? 'a0: &a0 [1]' : `a${i}: &a${i} [*a${i - 1}]`)).join('\n');
    const error = failure(`${chain}\nuse: *a149\n`);
    expect(error.position.line).toBe(100);
    expect(error.problem).toMatch(/^through this alias, the YAML nests more than 100 levels deep/);
    expect(() => parse(`${chain.split('\n').slice(0, 90).join('\n')}\nuse: [*a89]\n`)).not.toThrow();
  });
});

describe('originsOf', () => {
  it('lists the entries of a container in document order', () => {
    const document = parse('b: 1\na: 2\n');
    expect([...originsOf(document).keys()]).toEqual(['b', 'a']);
  });
});

/** go-yaml (Compose's reader) ignores indentation inside flow collections and quoted scalars; js-yaml does not. */
describe('parseYaml: layouts Compose reads that YAML 1.2 refuses', () => {
  it.each([
    ['items and closer less indented than the key', 'a:\n  test: [\n      "CMD-SHELL",\n      "pg_isready",\n  ]\n', { a: { test: ['CMD-SHELL', 'pg_isready'] } }],
    ['items and closer at column 0', 'a:\n  test: [\n"x",\ny\n]\n', { a: { test: ['x', 'y'] } }],
    ['a flow mapping with a comment and a trailing comma', 'a:\n  env: {\n B: "1", # one\nC: two,\n}\n', { a: { env: { B: '1', C: 'two' } } }],
    ['a tab between flow items', 'a:\n  cmd: [x,\ty]\n', { a: { cmd: ['x', 'y'] } }],
    ['a tab before a flow collection', 'a:\n  cmd: \t[x,\n y]\n', { a: { cmd: ['x', 'y'] } }],
    ['a double-quoted scalar continued at column 0', 'a:\n  cmd: "echo\nhi   \n\n there"\n', { a: { cmd: 'echo hi\nthere' } }],
    ['a single-quoted scalar continued after a tab', "a:\n  cmd: 'it''s\n\tfine'\n", { a: { cmd: "it's fine" } }],
    ['a plain scalar in a flow list continued at column 0', 'a:\n  cmd: [echo\nhi, x]\n', { a: { cmd: ['echo hi', 'x'] } }],
    ['CRLF line ends', 'a:\r\n  cmd: [\r\nx,\r\n]\r\n', { a: { cmd: ['x'] } }],
  ])('%s', (_, text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  it('keeps every line and column of the file', () => {
    const document = parse('s:\n  test: [\n  "CMD-SHELL", # check\nthe-rest,\n]\n  next: {k:\n v}\n');
    const s = document['s'] as YamlMapping;
    expect(at(s['test'], 0)).toEqual({ value: '3:3' });
    expect(at(s['test'], 1)).toEqual({ value: '4:1' });
    expect(at(s, 'next')).toEqual({ key: '6:3', value: '6:9' });
    expect(at(s['next'], 'k')).toEqual({ key: '6:10', value: '7:2' });
  });

  it.each([
    ['a tab starting a line', 'a:\n  b: 1\n\tc: 2\n', '3:1', /a tab here/],
    ['a tab on a blank line', 'a:\n  b: "1"\n  \t\n  c: 2\n', '3:3', /a tab here/],
    ['a tab after a dash', 'a:\n  -\tb\n', '2:4', /a tab here/],
    ['a flow key whose colon is on the next line', 'a: {b\n        : 1}\n', '2:9', /keep the key and its ':' on one line/],
    ['a quoted flow key over two lines', 'a: {"b\nc": 1}\n', '2:3', /keep the key and its ':' on one line/],
    ['a YAML 1.2 directive', '%YAML 1.2\n---\na: 1\n', '1:1', /YAML 1.1 documents only/],
    ['a document marker inside a flow list', 'a: [b,\n---\n c]\n', undefined, /invalid YAML/],
    ['a quoted block key over two lines', '"a\nb": 1\n', undefined, /invalid YAML/],
  ])('refuses what Compose refuses: %s', (_, text, position, message) => {
    const error = failure(text);
    expect(error.message).toMatch(message);
    if (position !== undefined) expect(`${error.position.line}:${error.position.column}`).toBe(position);
  });

  it('reads tabs Compose reads: after a colon, after a value, inside scalars, past a plain scalar', () => {
    expect(parse('a:\tb\nc: d\t# e\nf: "g\th"\ni: j\n   \t\nk: l\n')).toEqual({ a: 'b', c: 'd', f: 'g\th', i: 'j', k: 'l' });
  });
});
