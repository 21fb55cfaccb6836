/**
 * planes reads the YAML of a compose file as Compose does: a differential test against the real
 * `docker compose config` (go-yaml v3 underneath). Every variant below — layouts of flow
 * collections, quoted and plain scalars over several lines, comments and trailing commas, tabs,
 * anchors and merge keys, document markers, empty documents — is read by both; planes must accept
 * it exactly when Compose does, and when both do, give the same values.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadComposeProject, type ComposeProject } from '../../src/compose/index.js';
import { UsageError } from '../../src/errors.js';
import { dockerTools } from '../support/engine.js';
import { inPool } from '../support/pool.js';

const run = promisify(execFile);
const hasCompose = dockerTools('differential YAML against docker compose config', ['compose']);

/** A shell for both tools: nothing from the machine leaks into the interpolation. */
const ENVIRONMENT = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/home/differential' };

interface Variant {
  name: string;
  text: string;
}

const SERVICE = 'services:\n  s:\n    image: busybox\n';
const spaces = (count: number): string => ' '.repeat(count);

/** A flow collection under `key`, written at `keyIndent`, its items and its closer at other indentations. */
function flowLayouts(): Variant[] {
  const variants: Variant[] = [];
  const places = [
    { where: 'x-data', keyIndent: 0, wrap: (body: string) => `x-data: ${body}\n${SERVICE}` },
    { where: 'command', keyIndent: 4, wrap: (body: string) => `${SERVICE}    command: ${body}\n` },
    { where: 'labels', keyIndent: 4, wrap: (body: string) => `${SERVICE}    labels: ${body}\n` },
  ];
  for (const place of places) {
    const mapping = place.where === 'labels';
    const [open, close] = mapping ? ['{', '}'] : ['[', ']'];
    const items = mapping ? ['a: "1"', 'b: two'] : ['"echo"', 'hi'];
    for (const itemIndent of [0, 1, 2, place.keyIndent, place.keyIndent + 2, place.keyIndent + 6]) {
      for (const closerIndent of [0, 2, place.keyIndent, place.keyIndent + 1]) {
        for (const trailingComma of [false, true]) {
          const lines = items.map((item, index) => `${spaces(itemIndent)}${item}${index < items.length - 1 || trailingComma ? ',' : ''}`);
          const body = `${open}\n${lines.join('\n')}\n${spaces(closerIndent)}${close}`;
          variants.push({ name: `${place.where}: items at ${itemIndent}, closer at ${closerIndent}${trailingComma ? ', trailing comma' : ''}`, text: place.wrap(body) });
        }
      }
    }
    const [first, second] = items as [string, string];
    variants.push(
      { name: `${place.where}: comment after an item`, text: place.wrap(`${open}\n  ${first}, # first\n${second}  # second\n${close}`) },
      { name: `${place.where}: comment line at column 0`, text: place.wrap(`${open}\n# between\n  ${first},\n  ${second}\n${close}`) },
      { name: `${place.where}: blank lines inside`, text: place.wrap(`${open}\n\n${first},\n\n   ${second}\n\n${close}`) },
      { name: `${place.where}: first item on the key's line`, text: place.wrap(`${open}${first},\n${second}${close}`) },
      { name: `${place.where}: tab before an item`, text: place.wrap(`${open}\n\t${first},\n\t${second}\n${close}`) },
      { name: `${place.where}: tab between items`, text: place.wrap(`${open}${first},\t${second}${close}`) },
      { name: `${place.where}: document marker inside`, text: place.wrap(`${open}${first},\n---\n${second}${close}`) },
      { name: `${place.where}: two commas`, text: place.wrap(`${open}${first},,\n${second}${close}`) },
      { name: `${place.where}: unclosed`, text: place.wrap(`${open}${first},\n${second}\n`) },
    );
  }
  return variants;
}

/** Flow collections inside flow collections and inside block collections. */
function flowBlockMixes(): Variant[] {
  return [
    { name: 'block list of flow mappings across lines', text: `x-data:\n  - {a: 1,\n b: 2}\n  - {c: [x,\ny]}\n${SERVICE}` },
    { name: 'flow list in a block list, closer at 0', text: `x-data:\n  - [a,\n  b,\n]\n  - c\n${SERVICE}` },
    { name: 'nested flow across lines', text: `x-data: {a: [1,\n2, {b: c,\nd: e}],\nf: g}\n${SERVICE}` },
    { name: 'flow mapping with empty value and key', text: `x-data: {a: ,\n b: 1}\n${SERVICE}` },
    { name: 'flow list holding a single-pair mapping', text: `x-data: [a: 1,\n b: 2]\n${SERVICE}` },
    { name: 'flow key on one line, value on the next', text: `x-data: {a:\n 1}\n${SERVICE}` },
    { name: 'flow key and its colon on two lines (less indented)', text: `x-data: {a\n: 1}\n${SERVICE}` },
    { name: 'flow key and its colon on two lines (indented)', text: `x-data: {a\n        : 1}\n${SERVICE}` },
    { name: 'quoted flow key over two lines', text: `x-data: {"a\nb": 1}\n${SERVICE}` },
    { name: 'explicit flow key', text: `x-data: {? a\n : 1}\n${SERVICE}` },
    { name: 'flow key without a value, next entry on the next line', text: `x-data: {a,\n b: 1}\n${SERVICE}` },
    { name: 'flow key over two lines', text: `x-data: {a\n b: 1}\n${SERVICE}` },
    { name: 'single-pair mapping in a flow list, colon on the next line', text: `x-data: [a\n : 1]\n${SERVICE}` },
    { name: 'JSON-like flow mapping', text: `x-data: {"a":1,\n"b":[true,null]}\n${SERVICE}` },
    { name: 'flow list as a block key over two lines', text: `x-data:\n  [a,\n b]: 1\n${SERVICE}` },
    { name: 'healthcheck as in the issue', text: `${SERVICE}    healthcheck:\n      test: [\n          "CMD-SHELL",\n          "pg_isready",\n      ]\n` },
    { name: 'healthcheck with the closer at the start of the line', text: `${SERVICE}    healthcheck:\n      test: [\n  "CMD-SHELL",\n  "pg_isready"\n]\n` },
    { name: 'environment flow mapping across lines', text: `${SERVICE}    environment: {\n  A: "1",\n  B: two,\n}\n` },
    { name: 'ports flow list across lines', text: `${SERVICE}    ports: [\n"8080:80",\n  "9090:90" ]\n` },
    { name: 'brackets inside a plain scalar', text: `${SERVICE}    command: echo [a, b\n    labels: {a: "[", b: "{"}\n` },
    { name: 'plain scalar starting a continuation line with a bracket', text: `x-data: foo\n  [bar\n${SERVICE}` },
  ];
}

/** Scalars over several lines: quoted, plain, escaped line breaks, blank lines, tabs. */
function multiLineScalars(): Variant[] {
  const variants: Variant[] = [];
  for (const quote of ['"', "'"]) {
    for (const indent of [0, 2, 4, 6]) {
      variants.push({ name: `${quote}-quoted value continued at ${indent}`, text: `${SERVICE}    command: ${quote}echo\n${spaces(indent)}hi${quote}\n` });
      variants.push({ name: `${quote}-quoted x-data continued at ${indent}`, text: `x-data: ${quote}a\n${spaces(indent)}b${quote}\n${SERVICE}` });
    }
    variants.push(
      { name: `${quote}-quoted with a blank line`, text: `x-data: ${quote}a\n\n  b${quote}\n${SERVICE}` },
      { name: `${quote}-quoted continued after a tab`, text: `x-data: ${quote}a\n\tb${quote}\n${SERVICE}` },
      { name: `${quote}-quoted inside a flow list`, text: `x-data: [${quote}a\nb${quote}, c]\n${SERVICE}` },
      { name: `${quote}-quoted with a document marker`, text: `x-data: ${quote}a\n--- b${quote}\n${SERVICE}` },
      { name: `${quote}-quoted key over two lines`, text: `x-data:\n  ${quote}a\nb${quote}: 1\n${SERVICE}` },
      { name: `${quote}-quoted unterminated`, text: `x-data: ${quote}a\n${SERVICE}` },
    );
  }
  variants.push(
    { name: 'double-quoted escaped line break', text: `x-data: "a\\\n   b"\n${SERVICE}` },
    { name: 'single-quoted doubled quote across lines', text: `x-data: 'it''s\n a'\n${SERVICE}` },
    { name: 'plain value continued more indented', text: `${SERVICE}    command: echo\n      hi\n` },
    { name: 'plain value continued at its key', text: `${SERVICE}    command: echo\n    hi\n` },
    { name: 'plain value continued after a blank line', text: `x-data: a\n\n  b\n${SERVICE}` },
    { name: 'plain value in flow continued at 0', text: `x-data: [a\nb, c]\n${SERVICE}` },
    { name: 'plain value with a comment line inside', text: `x-data: a\n  # c\n  b\n${SERVICE}` },
    { name: 'literal block scalar', text: `x-data: |\n  a\n   b\n\n${SERVICE}` },
    { name: 'folded block scalar with brackets', text: `x-data: >-\n  [a,\n  b\n${SERVICE}` },
    { name: 'block scalar with explicit indentation', text: `x-data: |2\n    a\n  b\n${SERVICE}` },
    { name: 'block scalar less indented than its key', text: `${SERVICE}    command: |\n  echo\n` },
  );
  return variants;
}

/** Tabs where go-yaml reads them and where it does not. */
function tabs(): Variant[] {
  const lines = (...body: string[]): string => `${SERVICE}${body.join('\n')}\n`;
  return [
    { name: 'tab after a colon', text: lines('    labels:', '      a:\t"1"') },
    { name: 'tab after a colon and a space', text: lines('    labels:', '      a: \t"1"') },
    { name: 'tab after a value', text: lines('    labels:', '      a: "1"\t') },
    { name: 'tab before a comment', text: lines('    labels:', '      a: "1"\t# c') },
    { name: 'tab indenting a key', text: lines('    labels:', '\ta: "1"') },
    { name: 'tab after spaces indenting a key', text: lines('    labels:', '      \ta: "1"') },
    { name: 'tab after a dash', text: lines('    command:', '    -\techo') },
    { name: 'tab after a dash and a space', text: lines('    command:', '    - \techo') },
    { name: 'tab after a nested dash', text: lines('    command:', '    - - \techo') },
    { name: 'tab after a question mark', text: lines('    labels:', '      ?\ta', '      : "1"') },
    { name: 'tab on a blank line after a plain value', text: lines('    labels:', '      a: one', '  \t', '      b: two') },
    { name: 'tab on a blank line past a plain value', text: lines('    labels:', '      a: one', '       \t', '      b: two') },
    { name: 'tab on a blank line at the key', text: lines('    labels:', '      a: one', '      \t', '      b: two') },
    { name: 'tab on a blank line after a quoted value', text: lines('    labels:', '      a: "one"', '        \t', '      b: two') },
    { name: 'tab on a blank line after a flow value', text: lines('    command: [a]', '      \t', '    labels: {}') },
    { name: 'tab starting a comment line', text: lines('    command: a', '\t# c') },
    { name: 'tab on the last line', text: lines('    command: a', '\t') },
    { name: 'tab before a flow mapping value', text: lines('    labels: \t{a: "1"}') },
    { name: 'tab before a flow list in a block list', text: lines('    command:', '    - \t[a]') },
    { name: 'tab after a key before a flow list', text: lines('    command:\t[a,', '  b]') },
    { name: 'tab after an anchor', text: `x-data: &x\tv\n${SERVICE}` },
    { name: 'tab on a blank line in a block scalar', text: `x-data: |\n  a\n \t\n  b\n${SERVICE}` },
    { name: 'tab inside a block scalar line', text: `x-data: |\n  a\tb\n${SERVICE}` },
    { name: 'tab indenting a block scalar line', text: `x-data: |\n  a\n\t b\n${SERVICE}` },
    { name: 'tab inside a plain value', text: `x-data: a\tb\n${SERVICE}` },
    { name: 'tab inside a quoted value', text: `x-data: "a\tb"\n${SERVICE}` },
  ];
}

/** Anchors, aliases and merge keys, with the layouts above. */
function anchorsAndMerges(): Variant[] {
  return [
    { name: 'anchored flow list less indented, aliased', text: `x-cmd: &cmd [\n"echo",\n"hi",\n]\n${SERVICE}    command: *cmd\n` },
    { name: 'merge of an anchored flow mapping across lines', text: `x-base: &base {image: busybox,\nlabels: {a: "1"}\n}\nservices:\n  s:\n    <<: *base\n    command: [a]\n` },
    { name: 'merge of two mappings, the first wins', text: `x-a: &a {labels: {a: "1"}}\nx-b: &b {labels: {b: "2"}, command: [b]}\nservices:\n  s:\n    image: busybox\n    <<: [*a,\n*b]\n` },
    { name: 'merge overridden by a key written', text: `x-a: &a\n  command: [a]\nservices:\n  s:\n    image: busybox\n    <<: *a\n    command: [b]\n` },
    { name: 'merge of a list item', text: `x-a: &a [a]\nservices:\n  s:\n    image: busybox\n    <<: *a\n` },
    { name: 'alias to an undefined anchor', text: `${SERVICE}    command: *nothing\n` },
    { name: 'anchor on a multi-line quoted scalar', text: `x-a: &a "echo\nhi"\n${SERVICE}    command: [*a]\n` },
    { name: 'anchor and tag before a flow list', text: `x-a: !!seq &a [\na]\n${SERVICE}    command: *a\n` },
  ];
}

/** Document markers, empty documents, several documents. */
function documents(): Variant[] {
  return [
    { name: 'document start', text: `---\n${SERVICE}` },
    { name: 'document start and end', text: `---\n${SERVICE}...\n` },
    { name: 'document end then a comment', text: `${SERVICE}...\n# after\n` },
    { name: 'empty document after', text: `${SERVICE}---\n` },
    { name: 'empty document with a comment after', text: `${SERVICE}---\n# nothing\n` },
    { name: 'empty document before', text: `---\n---\n${SERVICE}` },
    { name: 'empty mapping document after', text: `${SERVICE}--- {}\n` },
    { name: 'null document after', text: `${SERVICE}--- ~\n` },
    { name: 'two documents merged', text: `${SERVICE}---\nservices:\n  s:\n    command: [a,\nb]\n` },
    { name: 'two documents with an end marker between', text: `${SERVICE}...\n---\nservices:\n  s:\n    labels: {a: "1"}\n` },
    { name: 'only a document start', text: '---\n' },
    { name: 'only a document end', text: '...\n' },
    { name: 'only a comment', text: '# nothing\n' },
    { name: 'empty file', text: '' },
    { name: 'flow list as the whole document', text: '[a,\nb]\n' },
    { name: 'document start followed by a flow mapping', text: '--- {services: {s: {image: busybox,\ncommand: [a]}}}\n' },
    { name: 'YAML 1.2 directive', text: `%YAML 1.2\n---\n${SERVICE}` },
    { name: 'YAML 1.1 directive', text: `%YAML 1.1\n---\n${SERVICE}` },
    { name: 'TAG directive', text: `%TAG !e! tag:example.com,2000:\n---\n${SERVICE}` },
    { name: 'CRLF line ends in a flow list', text: `${SERVICE}    command: [\r\n"echo",\r\n"hi"\r\n]\r\n`.replaceAll(/(?<!\r)\n/g, '\r\n') },
  ];
}

/**
 * Random layouts of one flow list: each item and the closer on its own line or not, at a
 * random indentation, with or without a comment and a trailing comma; from a fixed seed.
 */
function randomLayouts(): Variant[] {
  const layout = fc.record({
    items: fc.array(fc.record({ newline: fc.boolean(), indent: fc.integer({ min: 0, max: 9 }), comment: fc.boolean(), quoted: fc.boolean() }), { minLength: 1, maxLength: 4 }),
    closer: fc.record({ newline: fc.boolean(), indent: fc.integer({ min: 0, max: 9 }) }),
    trailingComma: fc.boolean(),
    mapping: fc.boolean(),
  });
  return fc.sample(layout, { numRuns: 40, seed: 11 }).map((sample, index) => {
    let body = sample.mapping ? '{' : '[';
    sample.items.forEach((item, position) => {
      const value = item.quoted ? `"v${position}"` : `v${position}`;
      body += `${item.newline ? `\n${spaces(item.indent)}` : ' '}${sample.mapping ? `k${position}: ` : ''}${value}`;
      if (position < sample.items.length - 1 || sample.trailingComma) body += ',';
      if (item.comment) body += ` # c${position}\n`;
    });
    body += `${sample.closer.newline ? `\n${spaces(sample.closer.indent)}` : ''}${sample.mapping ? '}' : ']'}`;
    return { name: `random layout ${index}`, text: `${SERVICE}    ${sample.mapping ? 'labels' : 'command'}: ${body}\n` };
  });
}

const variants: Variant[] = [...flowLayouts(), ...flowBlockMixes(), ...multiLineScalars(), ...tabs(), ...anchorsAndMerges(), ...documents(), ...randomLayouts()];

type Model = Record<string, unknown> & { services?: Record<string, Record<string, unknown>> };

/** What both tools make of a variant; `model` undefined when the tool refuses it. */
interface Reading {
  model: Model | undefined;
  reason: string;
}

/** Compose's reading, asked twice before a refusal counts: on a loaded machine one call may fail for no fault of the file. */
async function composeReads(file: string, cwd: string, attempts = 2): Promise<Reading> {
  try {
    const { stdout } = await run('docker', ['compose', '-f', file, 'config', '--format', 'json'], { cwd, env: ENVIRONMENT, timeout: 120_000 });
    return { model: JSON.parse(stdout) as Model, reason: '' };
  } catch (error) {
    if (attempts > 1) return composeReads(file, cwd, attempts - 1);
    return { model: undefined, reason: String((error as { stderr?: string }).stderr ?? error).trim().split('\n').at(-1) ?? '' };
  }
}

function planesReads(file: string, cwd: string): Reading {
  let project: ComposeProject;
  try {
    project = loadComposeProject({ files: [file], cwd, environment: ENVIRONMENT });
  } catch (error) {
    if (error instanceof UsageError) return { model: undefined, reason: error.message };
    throw error;
  }
  const problems = [...project.problems.map((problem) => problem.message), ...project.documents.flatMap((document) => document.schemaProblems.map((problem) => problem.message))];
  if (problems.length > 0) return { model: undefined, reason: problems.join('; ') };
  const [first] = project.documents;
  return { model: { ...(first?.data ?? {}), services: project.model.services as Model['services'] }, reason: '' };
}

/** Compose writes every label and environment value as a string. */
function asStrings(value: unknown): unknown {
  if (value === null || value === undefined || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, item === null || item === undefined ? null : String(item)]));
}

/** The values both read: `x-*` extensions as written, and the service's command, labels, environment, ports and healthcheck test. */
function comparable(model: Model): unknown {
  const extensions = Object.fromEntries(Object.entries(model).filter(([key]) => key.startsWith('x-')));
  const service = model.services?.['s'] ?? {};
  const healthcheck = service['healthcheck'] as Record<string, unknown> | undefined;
  const command = service['command'];
  return {
    extensions,
    command: typeof command === 'string' ? command.split(/\s+/) : (command ?? null),
    labels: asStrings(service['labels'] ?? {}),
    environment: asStrings(service['environment'] ?? {}),
    // Compose writes a port in its long form; planes keeps `published:target` as written.
    ports: ((service['ports'] ?? []) as (string | { published?: string; target?: number })[]).map((port) => (typeof port === 'string' ? port : `${port.published}:${port.target}`)),
    healthcheck: healthcheck?.['test'] ?? null,
  };
}

/** Mappings with their keys in order: Compose writes them sorted. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sorted((value as Record<string, unknown>)[key])]));
}

const root = mkdtempSync(join(tmpdir(), 'planes-yaml-differential-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(!hasCompose)('planes reads YAML as docker compose config does', () => {
  it(
    'accepts exactly the variants Compose accepts, with the same values',
    async () => {
      const started = Date.now();
      const outcomes = await inPool(variants, 3, async (variant, index) => {
        const cwd = join(root, `v${index}`);
        mkdirSync(cwd);
        const file = join(cwd, 'compose.yaml');
        writeFileSync(file, variant.text);
        const compose = await composeReads(file, cwd);
        const planes = planesReads(file, cwd);
        let disagreement: string | undefined;
        if ((compose.model === undefined) !== (planes.model === undefined)) {
          disagreement = compose.model === undefined ? `Compose refuses (${compose.reason}), planes accepts` : `Compose accepts, planes refuses (${planes.reason})`;
        } else if (compose.model !== undefined && planes.model !== undefined) {
          const theirs = JSON.stringify(sorted(comparable(compose.model)));
          const ours = JSON.stringify(sorted(comparable(planes.model)));
          if (theirs !== ours) disagreement = `values differ: compose ${theirs} planes ${ours}`;
        }
        return { variant, composeAccepts: compose.model !== undefined, disagreement };
      });
      const accepted = outcomes.filter((outcome) => outcome.composeAccepts).length;
      const disagreements = outcomes.filter((outcome) => outcome.disagreement !== undefined);
      console.log(
        `differential YAML: ${variants.length} variants, compose accepts ${accepted}, planes agrees on ${variants.length - disagreements.length}/${variants.length} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
      );
      expect(disagreements.map(({ variant, disagreement }) => `${variant.name}: ${disagreement}\n${JSON.stringify(variant.text)}`)).toEqual([]);
    },
    900_000,
  );
});
