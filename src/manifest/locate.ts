import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { SourcePosition } from '../errors.js';

export type YamlPath = readonly PropertyKey[];

/**
 * Finds where a path of the parsed manifest was written. A path that ends at a map entry
 * points at the entry's key (that is the line a reader looks for); a path that does not
 * exist (a missing required key) falls back to the nearest ancestor that does.
 */
export function locate(doc: Document, lines: LineCounter, file: string, path: YamlPath): SourcePosition {
  let node: unknown = doc.contents;
  let best: Node | null = (doc.contents as Node | null) ?? null;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      best = (pair.key as Node) ?? best;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (!item) break;
      best = item as Node;
      node = item;
    } else {
      break;
    }
  }
  return positionOf(best, lines, file);
}

/** The position of a key inside the map at `path` (for unknown keys). */
export function locateKey(doc: Document, lines: LineCounter, file: string, path: YamlPath, key: string): SourcePosition {
  return locate(doc, lines, file, [...path, key]);
}

export function positionOf(node: Node | null, lines: LineCounter, file: string): SourcePosition {
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = lines.linePos(offset);
  return { file, line, column: col };
}
