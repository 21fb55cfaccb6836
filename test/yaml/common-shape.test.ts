import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMPOSE_FILE, renderComposeProject } from '../../bench/compose-gen.js';
import { readCommonShape } from '../../src/yaml/common-shape.js';
import { readAnyYaml, type YamlValue } from '../../src/yaml/parse.js';
import { corpusComposeFiles, corpusPresent } from '../support/corpus.js';
import { entriesUnder } from '../support/origins.js';

const FILE = 'compose.yaml';
const REAL_WORLD = join(import.meta.dirname, '../realworld/fixtures');

/** Every entry of every document with its origin, each container once: equal only if the values, the sharing through aliases and every position are. */
function entries(documents: YamlValue[]): unknown {
  return documents.map((document) => (document !== null && typeof document === 'object' ? entriesUnder(document) : document));
}

type Outcome = { read: 'quick'; same: boolean } | { read: 'full only' } | { read: 'refused by both' } | { read: 'QUICK READ WHAT THE FULL READER REFUSES' };

/** What the quick reader makes of `text`, held against the full reader. */
function compare(text: string): Outcome {
  const quick = readCommonShape(text, FILE);
  let full: YamlValue[] | undefined;
  try {
    full = readAnyYaml(text, FILE);
  } catch {
    return quick === undefined ? { read: 'refused by both' } : { read: 'QUICK READ WHAT THE FULL READER REFUSES' };
  }
  if (quick === undefined) return { read: 'full only' };
  expect(entries(quick)).toEqual(entries(full));
  return { read: 'quick', same: true };
}

describe('readCommonShape: the usual compose file, read as the full reader reads it', () => {
  it.each([
    ['block mappings and lists, aligned and indented', 'services:\n  web:\n    image: nginx\n    ports:\n    - "80:80"\n    command:\n      - run\n      - --port=80\n'],
    ['a compact mapping in a list, with a nested list as indented as its key', 'x:\n  - name: a\n    ports:\n    - 1\n  - name: b\n'],
    ['comments, blank lines and a document start', '--- # the project\n# services\nservices:\n\n  web: # the front\n    image: nginx   # pinned\n'],
    ['scalars as go-yaml resolves them', 'a: 0644\nb: 1e3\nc: ~\nd: yes\ne: "true"\nf: \'it\'\'s\'\ng: -1\nh: 0x1F\ni: 2001-12-14\nj: .inf\n'],
    ['a # inside a scalar, a : inside a scalar or key', 'a: b#c\nhttp://x: http://y:80/z\nc: "d # e"\n'],
    ['flow collections, nested, with paths and urls', 'a: {driver: json-file, options: {max-size: "10m", max-file: "3"}}\nb: [./data:/var/lib:ro, "80:80", http://x:1/y]\nc: []\nd: {}\n'],
    ['anchors, aliases and merge keys, block and flow', 'x-a: &a {k: 1, l: 2}\nx-b: &b\n  m: 3\ns:\n  <<: [*a, *b]\n  k: 0\nt: {<<: *a, z: 9}\nu: *b\nv: &n\nw: *n\n'],
    ['an empty value of a key and of a list item', 'a:\nb:\n  -\n  - c\nd: &e\n'],
    ['a __proto__ key', '__proto__: {polluted: true}\n'],
  ])('reads %s', (_name, text) => {
    expect(compare(text)).toEqual({ read: 'quick', same: true });
  });

  it.each([
    ['a tab', 'a:\n\tb: 1\n'],
    ['a block scalar', 'a: |\n  b\n'],
    ['a plain scalar over two lines', 'a: b\n  c\n'],
    ['a flow collection over two lines', 'a: [\n  b,\n]\n'],
    ['an escape in double quotes', 'a: "b\\n"\n'],
    ['a tag', 'a: !reset null\n'],
    ['a second document', 'a: 1\n---\nb: 2\n'],
    ['a key that is not a string', '8080: web\n'],
    ['a repeated key', 'a: 1\na: 2\n'],
    ['a trailing comma', 'a: [b, c,]\n'],
    ['an alias to no anchor', 'a: *b\n'],
    ['a mapping after a scalar, on its line', 'a: b: c\n'],
    ['a key less indented than its siblings', 'a:\n    b: 1\n  c: 2\n'],
    ['carriage returns', 'a: 1\r\nb: 2\r\n'],
    ['a text of comments only', '# nothing\n'],
    ['a merge of a scalar', 'a:\n  <<: 1\n'],
    ['a lone - in a flow collection', 'a: [-]\n'],
  ])('leaves %s to the full reader, which reads or refuses it', (_name, text) => {
    expect(readCommonShape(text, FILE)).toBeUndefined();
    expect(compare(text).read).not.toBe('QUICK READ WHAT THE FULL READER REFUSES');
  });

  it('reads the benchmark project, whose speed depends on it, as the full reader does', () => {
    const project = renderComposeProject({ services: 120 });
    const text = project.files.find((file) => file.path === COMPOSE_FILE)?.content as string;
    expect(compare(text)).toEqual({ read: 'quick', same: true });
  });

  it('reads every real-world fixture and corpus file it takes exactly as the full reader does', () => {
    const files = [...corpusComposeFiles(REAL_WORLD), ...(corpusPresent('common-shape reader on the shared corpus') ? corpusComposeFiles() : [])];
    const counts: Record<string, number> = {};
    for (const file of files) {
      const outcome = compare(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
      counts[outcome.read] = (counts[outcome.read] ?? 0) + 1;
    }
    console.log(`common-shape reader: ${files.length} real files: ${JSON.stringify(counts)}`);
    expect(counts['QUICK READ WHAT THE FULL READER REFUSES']).toBeUndefined();
    // Most real compose files are of the common shape; if this falls, the quick reader stopped paying for itself.
    expect(counts['quick'] ?? 0).toBeGreaterThan(files.length * 0.6);
  });
});

// Generated documents on both sides of the common shape's edge, then damaged at random.
const word = fc.constantFrom('web', 'db', 'image', 'x-a', 'a.b', 'my-key', 'on', 'true', '8080', 'null', '<<', '__proto__', 'k', 'k');
const scalarText = fc.constantFrom(
  'nginx', '0644', '1e3', '~', '', 'yes', 'http://a:80/x', './a:/b:ro', 'a #b', 'a#b', 'a: b', "'q'", "'it''s'", '"d"', '"e\\n"', '"f # g"',
  '-1', '- x', '?x', '*a', '*zz', '&a v', '!!str 1', '|', '>-', '[a, b]', '{k: v}', '[a,]', '[-]', '[-a, b:c]', '{<<: *a}', '[*a]', '.inf', '2001-12-14', 'a:b',
);
type Tree = { kind: 'scalar'; text: string } | { kind: 'map'; entries: Array<[string, Tree]>; anchor: boolean } | { kind: 'list'; items: Tree[]; anchor: boolean };
const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('scalar' as const), text: scalarText }),
    fc.record({ kind: fc.constant('map' as const), entries: fc.array(fc.tuple(word, tie('node')), { maxLength: 4 }), anchor: fc.boolean() }),
    fc.record({ kind: fc.constant('list' as const), items: fc.array(tie('node'), { maxLength: 3 }), anchor: fc.boolean() }),
  ),
})).node;

function render(root: Tree, step: number, alignLists: boolean): string {
  let anchors = 0;
  const lines: string[] = [];
  const anchorOf = (node: Tree): string => ('anchor' in node && node.anchor ? ` &a${anchors++ % 2 === 0 ? '' : 'b'}` : '');
  const put = (node: Tree, indent: number, lead: string): void => {
    if (node.kind === 'scalar') {
      lines.push(`${lead} ${node.text}`.trimEnd());
      return;
    }
    const children = node.kind === 'map' ? node.entries : node.items.map((item) => ['-', item] as [string, Tree]);
    if (children.length === 0) {
      lines.push(`${lead} ${node.kind === 'map' ? '{}' : '[]'}`);
      return;
    }
    lines.push(`${lead}${anchorOf(node)}`);
    const inner = node.kind === 'list' && alignLists && lead.endsWith(':') ? indent : indent + step;
    for (const [key, child] of children) put(child, inner + step, `${' '.repeat(inner)}${key === '-' ? '-' : `${key}:`}`);
  };
  const top = root.kind === 'map' ? root : { kind: 'map' as const, entries: [['root', root] as [string, Tree]], anchor: false };
  for (const [key, child] of top.entries) put(child, step, `${key}:`);
  return `${lines.join('\n')}\n`;
}

const DAMAGE = [' ', '\t', ':', '-', '#', '"', "'", '[', ']', '{', '}', ',', '&', '*', '!', '|', '>', '\n', '\\', '%', '?', '  '];

describe('readCommonShape against the full reader on generated documents', () => {
  it('reads the same as the full reader, or leaves the text to it; never reads what the full reader refuses', () => {
    const outcomes: Record<string, number> = {};
    fc.assert(
      fc.property(tree, fc.integer({ min: 1, max: 4 }), fc.boolean(), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...DAMAGE), fc.boolean()), { maxLength: 2 }), (root, step, align, damage) => {
        let text = render(root, step, align);
        for (const [at, inserted, replaces] of damage) {
          const offset = at % (text.length + 1);
          text = text.slice(0, offset) + inserted + text.slice(replaces ? offset + 1 : offset);
        }
        const outcome = compare(text);
        outcomes[outcome.read] = (outcomes[outcome.read] ?? 0) + 1;
        expect(outcome.read).not.toBe('QUICK READ WHAT THE FULL READER REFUSES');
      }),
      { numRuns: 3000, seed: 20261206 },
    );
    console.log(`common-shape reader: generated documents: ${JSON.stringify(outcomes)}`);
    // The generator must reach both sides of the edge, or the property proves little.
    expect(outcomes['quick']).toBeGreaterThan(300);
    expect(outcomes['full only']).toBeGreaterThan(300);
  });
});

describe('readCommonShape against the full reader on real files with lines moved', () => {
  it('reads the same as the full reader, or leaves the text to it, after lines are re-indented, dropped, repeated or joined', () => {
    const texts = corpusComposeFiles(REAL_WORLD).map((file) => readFileSync(file, 'utf8'));
    const outcomes: Record<string, number> = {};
    const edit = fc.tuple(fc.nat(), fc.constantFrom('indent', 'dedent', 'drop', 'repeat', 'join'));
    fc.assert(
      fc.property(fc.nat(), fc.array(edit, { minLength: 1, maxLength: 3 }), (pick, edits) => {
        const lines = (texts[pick % texts.length] as string).split('\n');
        for (const [at, kind] of edits) {
          const index = at % lines.length;
          const line = lines[index] as string;
          if (kind === 'indent') lines[index] = ` ${line}`;
          else if (kind === 'dedent') lines[index] = line.replace(/^ /, '');
          else if (kind === 'drop') lines.splice(index, 1);
          else if (kind === 'repeat') lines.splice(index, 0, line);
          else lines.splice(index, 2, `${line} ${(lines[index + 1] ?? '').trimStart()}`);
        }
        const outcome = compare(lines.join('\n'));
        outcomes[outcome.read] = (outcomes[outcome.read] ?? 0) + 1;
        expect(outcome.read).not.toBe('QUICK READ WHAT THE FULL READER REFUSES');
      }),
      { numRuns: 1500, seed: 20261206 },
    );
    console.log(`common-shape reader: real files with lines moved: ${JSON.stringify(outcomes)}`);
    expect(outcomes['quick']).toBeGreaterThan(150);
  });
});
