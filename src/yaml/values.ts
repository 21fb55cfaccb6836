/**
 * What both YAML readers (`parse.ts`, and `common-shape.ts` for the usual compose file) build:
 * the values, the limits that keep a hostile document from exhausting planes, and merge keys.
 */
import { InputError, type SourcePosition } from '../errors.js';
import { assign, originsOf, type EntryKey, type Origin } from './origins.js';

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

/** What a `<<` key may take: a mapping, or a list of mappings. */
export function isMergeable(value: YamlValue): boolean {
  return Array.isArray(value) ? value.every(isMapping) : isMapping(value);
}

/** Applies one `<<` value: a mapping, or a list of mappings where the first one wins. */
export function mergeInto(mapping: YamlMapping, origins: Map<EntryKey, Origin>, source: YamlValue, position: SourcePosition): void {
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
