/**
 * What both YAML readers (`parse.ts`, and `common-shape.ts` for the usual compose file) build:
 * the values, the limits that keep a hostile document from exhausting planes, anchors, and the
 * bookkeeping of each mapping or list they build (its origins, its `<<` merges, its size).
 */
import { InputError, type SourcePosition } from '../errors.js';
import { assign, attachOrigins, originsOf, type EntryKey, type Origin } from './origins.js';

export type YamlValue = string | number | boolean | null | YamlValue[] | YamlMapping;
export type YamlMapping = { [key: string]: YamlValue };

export function isMapping(value: unknown): value is YamlMapping {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Past this many nodes reached through aliases, a document is taken for an alias bomb. */
export const MAX_ALIAS_EXPANSION = 1_000_000;
/**
 * Compose files nest a few levels deep; past this, a document is a mistake or an attack, and
 * every stage that walks it (interpolation, merges, the schema) would run out of stack.
 */
export const MAX_DEPTH = 100;

/** An anchored node, as an alias stands for it. */
export interface Anchored {
  value: YamlValue;
  position: SourcePosition;
  float: boolean;
  /** How many nodes the anchored value stands for once every alias in it is expanded. */
  size: number;
  /** How many levels of collections the anchored value nests, aliases expanded. */
  height: number;
}

/**
 * One mapping or list being built: the origins of its entries, the `<<` values to merge in once
 * every key written in it is there, and how many nodes and levels it holds with aliases
 * expanded (for the alias limits).
 */
export class CollectionBuilder {
  readonly origins = new Map<EntryKey, Origin>();
  private merges: { value: YamlValue; position: SourcePosition }[] | undefined;
  /** This node and the values in it, aliases expanded. */
  size = 1;
  private deepestValue = 0;

  /** The levels of collections this one nests, itself included. */
  get height(): number {
    return this.deepestValue + 1;
  }

  /** Counts a value just read into this collection. */
  count(size: number, height: number): void {
    this.size += size;
    if (height > this.deepestValue) this.deepestValue = height;
  }

  /** Whether `key` was written in this mapping before (a second `<<` included). */
  repeats(key: string): boolean {
    return this.origins.has(key) || (key === '<<' && this.merges !== undefined);
  }

  /** A `<<` value, merged in by `finish`. */
  mergeLater(value: YamlValue, position: SourcePosition): void {
    (this.merges ??= []).push({ value, position });
  }

  /** Merges the `<<` values in and gives the collection its origins. */
  finish(collection: YamlMapping | YamlValue[]): void {
    for (const merge of this.merges ?? []) mergeInto(collection as YamlMapping, this.origins, merge.value, merge.position);
    attachOrigins(collection, this.origins);
  }
}

/** What a `<<` key may take: a mapping, or a list of mappings. */
export function isMergeable(value: YamlValue): boolean {
  return Array.isArray(value) ? value.every(isMapping) : isMapping(value);
}

/** Applies one `<<` value: a mapping, or a list of mappings where the first one wins. */
function mergeInto(mapping: YamlMapping, origins: Map<EntryKey, Origin>, source: YamlValue, position: SourcePosition): void {
  if (!isMergeable(source)) throw new InputError(position, 'a merge key "<<" takes a mapping or a list of mappings');
  for (const item of (Array.isArray(source) ? source : [source]) as YamlMapping[]) {
    const itemOrigins = originsOf(item);
    for (const key of Object.keys(item)) {
      if (Object.hasOwn(mapping, key)) continue;
      assign(mapping, key, item[key] as YamlValue);
      const origin = itemOrigins.get(key);
      if (origin === undefined) continue;
      // Compose still removes a `!reset` key from the files before, then sets the merged value.
      origins.set(key, origins.get(key)?.tag === '!reset' ? { ...origin, tag: '!override' } : origin);
    }
  }
}
