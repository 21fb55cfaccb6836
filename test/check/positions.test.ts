import { basename, dirname, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/report/finding.js';
import { runCheck } from '../../src/check/run.js';
import { UsageError } from '../../src/errors.js';
import { CORPUS, corpusComposeFiles, corpusPresent } from '../support/corpus.js';

/**
 * Every finding over the real compose files of ../shared/corpus points at the entry it is
 * about: the source line it names holds that entry at its column. A loader stage that loses
 * an origin sends its findings to line 1 (or to another entry), which the conformance test,
 * checking only that the position exists, cannot see.
 *
 * Each file is checked alone, and laid over every other compose file of its directory
 * (`-f other -f file`), so that its entries also go through the merge of two files (an entry
 * the earlier file lacks is where a merge that loses an origin shows).
 */
const present = corpusPresent('finding positions over ../shared/corpus');
const composeFiles = present ? corpusComposeFiles() : [];

const isCompose = (file: string): boolean => /\.ya?ml$/.test(file);

/** The last segment of a finding's path (`services.api.ports[0]`, `labels["a.b"]`): a key, or a list index. */
function lastSegment(path: string): string | number {
  const match = /(?:\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|(?:^|\.)([A-Za-z0-9_-]+))$/.exec(path);
  if (match === null) throw new Error(`unreadable path ${path}`);
  if (match[1] !== undefined) return Number(match[1]);
  if (match[2] !== undefined) return JSON.parse(match[2]) as string;
  return match[3] as string;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What may stand between an item's `- ` (or a key's `:`) and its value: an anchor, a tag. */
const PROPERTIES = String.raw`(?:[&!]\S*\s+)*`;
/** The text before a list item: `- `, or `[`/`,` in a flow list. */
const ITEM_START = new RegExp(String.raw`(?:(?:^|\s)-\s+|[[,]\s*)${PROPERTIES}$`);

/** `name` written as a mapping key at the start of `text`: plain or quoted, then `:`. */
const isKeyAt = (text: string, name: string): boolean => new RegExp(`^(?:${escape(name)}|"${escape(name)}"|'${escape(name)}')\\s*:`).test(text);

/** A list item at `at` (after `- `, or in a flow list) that starts with `name` and then `=`, or ends there. */
function isItemNamed(before: string, at: string, name: string): boolean {
  return ITEM_START.test(before) && new RegExp(`^["']?${escape(name)}(?:=|["']|\\s*(?:$|#|,|\\]))`).test(at);
}

/** `at` starts the value of `segment`: right after `segment:` for a key, after `- ` (or in a flow list) for an index. */
function isValueOf(before: string, at: string, segment: string | number): boolean {
  if (!/^\S/.test(at)) return false;
  if (typeof segment === 'number') return ITEM_START.test(before);
  return new RegExp(`(?:^|[\\s{,])(?:${escape(segment)}|"${escape(segment)}"|'${escape(segment)}')\\s*:\\s*${PROPERTIES}$`).test(before);
}

/** What the finding's line must show at its column, or undefined when it does. */
function misplaced(finding: Finding, text: string): string | undefined {
  const line = text.replace(/^\uFEFF/, '').split(/\r?\n/)[finding.line - 1] ?? '';
  const before = line.slice(0, finding.column - 1);
  const at = line.slice(finding.column - 1);
  const { key, path } = finding;
  let expected: string | undefined;
  if (!isCompose(finding.file)) {
    // Env files and Dockerfiles: the variable's name, where it is written.
    if (key !== null && !new RegExp(`^${escape(key)}(?:$|[^A-Za-z0-9_.-])`).test(at)) expected = `the name ${key}`;
  } else if (path === null) {
    // Not on an entry of the model (an env_file path, a comment): where a value starts.
    if (!/^\S/.test(at) || !/(?:^|[\s[{,])$/.test(before)) expected = 'the start of a value';
  } else {
    const segment = lastSegment(path);
    if (key !== null && key === segment) {
      // A variable, argument or label: its key, or its `KEY=value` list item.
      if (!isKeyAt(at, key) && !isItemNamed(before, at, key)) expected = `${key} as a key or a ${key}=… list item`;
    } else if (!(typeof segment === 'string' && isKeyAt(at, segment)) && !isValueOf(before, at, segment)) {
      expected = typeof segment === 'number' ? `list item ${segment}` : `the key ${segment} or its value`;
    }
  }
  if (expected === undefined) return undefined;
  return `${finding.rule} at ${finding.file}:${finding.line}:${finding.column} (${path ?? key ?? 'no path'}): expected ${expected} there, the line reads\n  |${line}\n  |${' '.repeat(Math.max(finding.column - 1, 0))}^`;
}

describe.skipIf(!present)('every finding over ../shared/corpus points at its entry', () => {
  const cases = composeFiles.flatMap((file) => [
    [relative(CORPUS, file), file, [basename(file)]],
    ...composeFiles
      .filter((other) => other !== file && dirname(other) === dirname(file))
      .map((other) => [`${relative(CORPUS, file)} over ${basename(other)}`, file, [basename(other), basename(file)]]),
  ]) as [string, string, string[]][];

  it.each(cases)('%s', (_, file, files) => {
    let result: ReturnType<typeof runCheck>;
    try {
      result = runCheck({ cwd: dirname(file), environment: {}, files });
    } catch (error) {
      // Refused input has no findings to place; conformance.test.ts checks the refusal.
      if (error instanceof UsageError) return;
      throw error;
    }
    const wrong = result.report.findings
      .filter((finding) => !finding.file.startsWith('container:'))
      .map((finding) => misplaced(finding, result.sources.get(finding.file) ?? ''))
      .filter((message) => message !== undefined);
    expect(wrong, wrong.join('\n')).toEqual([]);
  });
});
