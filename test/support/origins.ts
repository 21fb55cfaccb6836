import { originOf, originsOf, type EntryKey, type Origin } from '../../src/yaml/origins.js';

export interface Entry {
  /** Dotted, with `[i]` for list items: `services.s.ports[0]`. */
  path: string;
  value: unknown;
  origin: Origin | undefined;
}

/** Every entry reached from `root`, each container once: those with a value, and `!reset` ones that have only an origin. */
export function entriesUnder(root: object): Entry[] {
  const entries: Entry[] = [];
  const seen = new Set<object>();
  const visit = (container: object, path: string): void => {
    if (seen.has(container)) return;
    seen.add(container);
    const keys: EntryKey[] = Array.isArray(container) ? container.map((_, index) => index) : Object.keys(container);
    for (const key of new Set([...keys, ...originsOf(container).keys()])) {
      const value = (container as Record<EntryKey, unknown>)[key];
      const at = typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
      entries.push({ path: at, value, origin: originOf(container, key) });
      if (value !== null && typeof value === 'object') visit(value, at);
    }
  };
  visit(root, '');
  return entries;
}

/** The paths of the entries under `root` that have no origin. */
export function unlocatedUnder(root: object): string[] {
  return entriesUnder(root)
    .filter((entry) => entry.origin === undefined)
    .map((entry) => entry.path);
}
