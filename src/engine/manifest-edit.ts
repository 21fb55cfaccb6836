import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, parseDocument, type Node, type Pair } from 'yaml';
import { UsageError } from '../errors.js';

/**
 * The manifest text with `secrets.<secret>.version` set. The document is only used to find
 * where to write: the change is spliced into the original text, because re-serialising the
 * whole document would reformat lines the user wrote (flow collection spacing, quoting).
 */
export function setSecretVersion(text: string, secret: string, version: number): string {
  const doc = parseDocument(text);
  const node = doc.getIn(['secrets', secret], true);
  if (!isMap(node) || !node.range) throw new UsageError(`cannot find the mapping secrets.${secret} in the manifest to write its version`);
  const items = node.items as Pair<Node, Node | null>[];

  const current = node.get('version', true);
  let edited: string;
  if (isScalar(current) && current.range) {
    edited = splice(text, current.range[0], current.range[1], String(version));
  } else if (node.flow) {
    const last = items.at(-1);
    const lastEnd = last ? (last.value ?? last.key).range?.[1] : undefined;
    edited = lastEnd !== undefined
      ? splice(text, lastEnd, lastEnd, `, version: ${version}`)
      : splice(text, node.range[0] + 1, node.range[0] + 1, ` version: ${version} `);
  } else {
    const keyStart = items[0]!.key.range![0];
    const indent = keyStart - (text.lastIndexOf('\n', keyStart - 1) + 1);
    const last = items.at(-1)!;
    const valueEnd = (last.value ?? last.key).range![1];
    const at = text[valueEnd - 1] === '\n' ? valueEnd : lineEnd(text, valueEnd);
    const newline = at === text.length && !text.endsWith('\n') ? '\n' : '';
    edited = splice(text, at, at, `${newline}${' '.repeat(indent)}version: ${version}\n`);
  }

  // The splice must change that one value and nothing else; anything more is a bug here.
  const expected = parseDocument(text).toJS() as { secrets: Record<string, Record<string, unknown>> };
  expected.secrets[secret]!.version = version;
  if (!isDeepStrictEqual(parseDocument(edited).toJS(), expected)) {
    throw new Error(`planes could not write secrets.${secret}.version into the manifest without changing anything else; set version: ${version} by hand`);
  }
  return edited;
}

function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

function lineEnd(text: string, from: number): number {
  const newline = text.indexOf('\n', from);
  return newline === -1 ? text.length : newline + 1;
}
