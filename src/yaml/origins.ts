/**
 * Where every entry of the loaded compose model was written, kept beside the model so the
 * model itself stays plain data (objects, arrays, strings, numbers, booleans, null).
 *
 * The table is keyed by container (a mapping object or an array) and, inside it, by mapping
 * key or array index. A container reached through several paths (a YAML anchor used by two
 * services) has one set of entries: findings through either path point at the anchor.
 * Every stage that builds a new container from old ones copies the entries it carries over.
 */
import type { SourcePosition } from '../errors.js';

export type EntryKey = string | number;

export type ComposeTag = '!reset' | '!override';

export interface Origin {
  /** Where the mapping key was written; for a list entry turned into a map entry, the list item. */
  key?: SourcePosition;
  /** Where the value was written. A value reached through an alias is located at its anchor. */
  value: SourcePosition;
  /**
   * The Compose merge tag on the value. A `!reset` entry has no value in its container any
   * more (Compose drops it while reading the file); the entry stays so merges can apply it.
   */
  tag?: ComposeTag;
  /** The value is a YAML float: Compose prints it in Go's `%v` form (`1e+06`, not `1000000`). */
  float?: true;
}

const table = new WeakMap<object, Map<EntryKey, Origin>>();

export function setOrigin(container: object, key: EntryKey, origin: Origin): void {
  let entries = table.get(container);
  if (entries === undefined) {
    entries = new Map();
    table.set(container, entries);
  }
  entries.set(key, origin);
}

/** Gives a new container all its entries at once (the parser builds them beside it). */
export function setOrigins(container: object, entries: Map<EntryKey, Origin>): void {
  table.set(container, entries);
}

export function originOf(container: object, key: EntryKey): Origin | undefined {
  return table.get(container)?.get(key);
}

/** All entries of one container, in the order they were recorded. */
export function originsOf(container: object): ReadonlyMap<EntryKey, Origin> {
  return table.get(container) ?? EMPTY;
}

const EMPTY: ReadonlyMap<EntryKey, Origin> = new Map();

/** Carries one entry over to a new container, possibly under a new key (a shifted index). */
export function copyOrigin(from: object, fromKey: EntryKey, to: object, toKey: EntryKey = fromKey): void {
  const origin = table.get(from)?.get(fromKey);
  if (origin !== undefined) setOrigin(to, toKey, origin);
}

/** Carries every entry of `from` over to `to`, keeping the keys. */
export function copyOrigins(from: object, to: object): void {
  const entries = table.get(from);
  if (entries === undefined) return;
  for (const [key, origin] of entries) setOrigin(to, key, origin);
}

export function deleteOrigin(container: object, key: EntryKey): void {
  table.get(container)?.delete(key);
}
