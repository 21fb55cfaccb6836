import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The module structure of src/, as the README's Development section describes it: each
 * directory under src/ is a module whose only door is its index.ts, a file directly under src/
 * is a module of its own, a module imports only modules of lower layers, and nothing imports in
 * a circle. Type-only imports count: a cycle of types is still two modules that cannot be read
 * one without the other.
 */

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** The modules bottom up, as the README's Development section lists them: each imports only those before it. */
const LAYERS: readonly (readonly string[])[] = [
  ['errors.ts', 'layout.ts', 'swarm-format.ts'],
  ['fs'],
  ['yaml'],
  ['redact'],
  ['compose'],
  ['dockerfile'],
  ['report'],
  ['judge'],
  ['manifest'],
  ['generate'],
  ['check'],
  ['setup', 'plan'],
  ['engine', 'migrate'],
  ['cli.ts'],
  ['commands'],
  ['bin'],
];

/**
 * Doors besides index.ts, each because a start-up bundle of scripts/build.mjs must be cut
 * there: `planes check` runs in every CI pipeline and loads only what it needs.
 */
const EXTRA_ENTRIES: Readonly<Record<string, string>> = {
  'commands/check.ts': 'dist/check.cjs holds the check command alone (src/bin/check.ts), without the other commands',
  'check/manifest.ts': 'the manifest support is a bundle of its own (dist/check-manifest.cjs), loaded only in a planes project',
};

interface ImportEdge {
  from: string;
  to: string;
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import of every file, static, dynamic and type-only, as paths under src/. */
function importEdges(root: string): ImportEdge[] {
  return sourceFiles(root).flatMap((file) => {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    return importedFiles
      .filter(({ fileName }) => fileName.startsWith('.'))
      .map(({ fileName }) => ({ from: relative(root, file), to: relative(root, resolve(dirname(file), fileName.replace(/\.js$/, '.ts'))) }));
  });
}

function moduleOf(file: string): string {
  return file.split('/')[0] as string;
}

function isEntryPoint(file: string): boolean {
  const parts = file.split('/');
  return parts.length === 1 || (parts.length === 2 && parts[1] === 'index.ts') || file in EXTRA_ENTRIES;
}

/** The imports from one module into another that do not go through its door. */
function importsPastEntryPoints(edges: readonly ImportEdge[]): string[] {
  return edges.filter(({ from, to }) => moduleOf(from) !== moduleOf(to) && !isEntryPoint(to)).map(({ from, to }) => `${from} → ${to}`);
}

/** Every set of nodes that import one another in a circle (Tarjan's strongly connected components). */
function cycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) {
    next.set(from, [...(next.get(from) ?? []), to]);
    if (!next.has(to)) next.set(to, []);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) as number, low.get(target) as number));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) as number, index.get(target) as number));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (next.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of next.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** The imports from a module to one in its own layer or above it. */
function importsUpward(edges: readonly ImportEdge[]): string[] {
  const layer = new Map(LAYERS.flatMap((modules, index) => modules.map((module) => [module, index] as const)));
  return moduleEdges(edges)
    .filter(({ from, to }) => (layer.get(to) ?? Infinity) >= (layer.get(from) ?? -1))
    .map(({ from, to }) => `${from} → ${to}`);
}

const moduleEdges = (edges: readonly ImportEdge[]): ImportEdge[] =>
  edges.filter(({ from, to }) => moduleOf(from) !== moduleOf(to)).map(({ from, to }) => ({ from: moduleOf(from), to: moduleOf(to) }));

describe('the module structure of src/', () => {
  const edges = importEdges(SRC);

  it('reads the imports of every source file', () => {
    expect(edges.length).toBeGreaterThan(200);
    expect(edges).toContainEqual({ from: 'bin/commands.ts', to: 'commands/index.ts' });
  });

  it('has no import cycle between files', () => {
    expect(cycles(edges)).toEqual([]);
  });

  it('has no import cycle between modules', () => {
    expect(cycles(moduleEdges(edges))).toEqual([]);
  });

  it('lists every module in a layer, and imports only from lower layers', () => {
    expect(new Set(edges.flatMap(({ from, to }) => [moduleOf(from), moduleOf(to)]))).toEqual(new Set(LAYERS.flat()));
    expect([...new Set(importsUpward(edges))]).toEqual([]);
  });

  it('enters every module through its index.ts (or a door a start-up bundle needs)', () => {
    expect(importsPastEntryPoints(edges)).toEqual([]);
  });

  it('uses each extra door it declares', () => {
    for (const entry of Object.keys(EXTRA_ENTRIES)) {
      expect(edges.some(({ from, to }) => to === entry && moduleOf(from) !== moduleOf(to)), entry).toBe(true);
    }
  });
});

describe('the structure checks themselves', () => {
  it('find a cycle, however long, and a self-import', () => {
    const edge = (from: string, to: string): ImportEdge => ({ from, to });
    expect(cycles([edge('a.ts', 'b.ts'), edge('b.ts', 'c.ts'), edge('c.ts', 'a.ts'), edge('c.ts', 'd.ts')])).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(cycles([edge('a.ts', 'a.ts')])).toEqual([['a.ts']]);
    expect(cycles([edge('a.ts', 'b.ts'), edge('b.ts', 'c.ts')])).toEqual([]);
  });

  it('find an import past a module door, and let through index.ts, top-level files and imports inside a module', () => {
    const edges: ImportEdge[] = [
      { from: 'check/run.ts', to: 'compose/load.ts' },
      { from: 'check/run.ts', to: 'compose/index.ts' },
      { from: 'check/run.ts', to: 'errors.ts' },
      { from: 'check/run.ts', to: 'check/rules/index.ts' },
      { from: 'check/rules/drift.ts', to: 'check/rule.ts' },
      { from: 'commands/check.ts', to: 'check/manifest.ts' },
      { from: 'engine/push.ts', to: 'compose/deep/index.ts' },
    ];
    expect(importsPastEntryPoints(edges)).toEqual(['check/run.ts → compose/load.ts', 'engine/push.ts → compose/deep/index.ts']);
  });

  it('find an import into the same layer or a higher one', () => {
    const edges: ImportEdge[] = [
      { from: 'judge/index.ts', to: 'report/index.ts' },
      { from: 'report/index.ts', to: 'judge/index.ts' },
      { from: 'setup/index.ts', to: 'plan/index.ts' },
      { from: 'check/run.ts', to: 'check/rule.ts' },
    ];
    expect(importsUpward(edges)).toEqual(['report → judge', 'setup → plan']);
  });
});
