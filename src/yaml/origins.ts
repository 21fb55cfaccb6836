/**
 * Where every entry of the loaded compose model was written.
 *
 * Why a table beside the model: the model stays plain data (objects, arrays, strings, numbers,
 * booleans, null) that every stage and rule reads, compares, spreads and serializes as JSON,
 * while a finding still needs the file, line and column of the entry it is about. So positions
 * live in a table of their own per container (a mapping object or an array), keyed by mapping
 * key or array index, which only this module reads and writes. A container reached through
 * several paths (a YAML anchor used by two services) has one table: findings through either
 * path point at the anchor.
 *
 * Stages that build new containers write entries only through `put`, `carry`, `copyNode` and
 * `remove`, which set a value and its origin together: a value cannot be stored without saying
 * where it came from, so no stage can lose a position by forgetting a second call. (Only the
 * parser, which builds each container beside its origins, attaches them whole at the end.)
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

/**
 * Any value but undefined (`{}` is TypeScript's "not null or undefined"): an entry without a
 * value is removed, or, for `!reset`, has an origin only.
 */
export type EntryValue = {} | null;

/**
 * A container's table is kept in a private field stamped on the container itself. Unlike a
 * WeakMap entry it costs no hash lookup (reading a large project spends less time on it), and
 * unlike a property it is invisible to Object.keys, JSON, spreads and Object.assign, so a copy
 * never shares the table of the container it was copied from.
 */
class ReturnsItsArgument {
  constructor(container: object) {
    // Returned from a base constructor, the container becomes the `this` of the subclass, which
    // then stamps its private field on it.
    return container;
  }
}

class OriginsTable extends ReturnsItsArgument {
  #entries: Map<EntryKey, Origin> | undefined;

  static of(container: object): Map<EntryKey, Origin> | undefined {
    return #entries in container ? (container as OriginsTable).#entries : undefined;
  }

  static attach(container: object, entries: Map<EntryKey, Origin>): void {
    if (#entries in container) (container as OriginsTable).#entries = entries;
    else new OriginsTable(container).#entries = entries;
  }
}

const EMPTY: ReadonlyMap<EntryKey, Origin> = new Map();

export function originOf(container: object, key: EntryKey): Origin | undefined {
  return OriginsTable.of(container)?.get(key);
}

/** All entries of one container, in the order they were recorded, `!reset` ones included. */
export function originsOf(container: object): ReadonlyMap<EntryKey, Origin> {
  return OriginsTable.of(container) ?? EMPTY;
}

/** Sets `container[key]` to `value`, written at `origin` (undefined: nowhere known, so none is kept). */
export function put(container: object, key: EntryKey, value: EntryValue, origin: Origin | undefined): void {
  assign(container, key, value);
  if (origin === undefined) {
    OriginsTable.of(container)?.delete(key);
    return;
  }
  let entries = OriginsTable.of(container);
  if (entries === undefined) {
    entries = new Map();
    OriginsTable.attach(container, entries);
  }
  entries.set(key, origin);
}

/**
 * Moves the entry `from[fromKey]` to `to[toKey]` (a new container, a shifted index, a list item
 * turned into a mapping entry) with its origin. Give `value` when the stage changes the value
 * (an absolute path, a normal form): it stands where the original was written.
 */
export function carry(from: object, fromKey: EntryKey, to: object, toKey: EntryKey = fromKey, value = (from as Record<EntryKey, EntryValue>)[fromKey] as EntryValue): void {
  put(to, toKey, value, OriginsTable.of(from)?.get(fromKey));
}

/** A shallow copy of a mapping or a list with the origins of all its entries, `!reset` ones included. */
export function copyNode<T extends object>(node: T): T {
  let copy: T;
  if (Array.isArray(node)) {
    copy = [...(node as unknown[])] as T;
  } else {
    copy = {} as T;
    for (const key of Object.keys(node)) assign(copy, key, (node as Record<string, unknown>)[key]);
  }
  const entries = OriginsTable.of(node);
  if (entries !== undefined) {
    // Entry by entry: on the 5,000-service bench file, `new Map(entries)` allocates more.
    const copied = new Map<EntryKey, Origin>();
    for (const [key, origin] of entries) copied.set(key, origin);
    OriginsTable.attach(copy, copied);
  }
  return copy;
}

/** Removes an entry, value and origin. */
export function remove(container: object, key: EntryKey): void {
  delete (container as Record<EntryKey, unknown>)[key];
  OriginsTable.of(container)?.delete(key);
}

/**
 * For the parser, which builds a container's origins beside it and attaches them whole:
 * `assign` stores a value alone, `attachOrigins` gives the new container its entries.
 */
export function attachOrigins(container: object, entries: Map<EntryKey, Origin>): void {
  OriginsTable.attach(container, entries);
}

/** A plain assignment would turn a `__proto__` key into the object's prototype. */
export function assign(container: object, key: EntryKey, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(container, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    (container as Record<EntryKey, unknown>)[key] = value;
  }
}
