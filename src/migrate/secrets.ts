/**
 * Names the secrets of the migrated project. Each value found becomes one secret, named after
 * the variable (or compose secret) that held it; the same value under several names in
 * different services is one secret too (a client and its server share a password). A service
 * mounts a secret once, so two variables of one service never share a secret, and values
 * that are only stand-ins (`changeme`) are not merged on their likeness.
 */

export interface SecretUse {
  service: string;
  /** The variable, build argument or compose secret that held the value. */
  key: string;
  /** `compose-secret` and `build-secret`: a secret of the original `secrets:`, mounted at run time or in the build. */
  kind: 'variable' | 'compose-secret' | 'build-arg' | 'build-secret';
  /** Undefined when the value is not known here (an unset host variable, an external secret). */
  value: Buffer | undefined;
  placeholder: boolean;
  /** A DSN whose secret is rendered from this template text around its password (dsn.ts). */
  template?: { before: string; after: string };
  /** The password of a DSN: the variable holding that DSN. */
  partOf?: string;
}

export interface NamedSecret {
  name: string;
  value: Buffer | undefined;
  /** A build secret (BuildKit), not a runtime one. */
  build: boolean;
  uses: SecretUse[];
  template?: { before: string; after: string };
}

interface Group {
  uses: SecretUse[];
  services: Set<string>;
  value: Buffer | undefined;
  build: boolean;
  mergeable: boolean;
}

/** `taken`: names already used (config keys lower-cased); the names chosen here are added to it. */
export function nameSecrets(uses: readonly SecretUse[], taken: Set<string>): NamedSecret[] {
  const byHolder = new Map<string, Group>();
  uses.forEach((use, index) => {
    const defined = use.kind === 'compose-secret' || use.kind === 'build-secret';
    const valueKey = defined ? '' : use.value === undefined ? `#${index}` : use.value.toString('base64');
    // A templated DSN is one secret per variable and value, never merged with a plain one.
    const holder = `${use.kind}\u0000${use.template ? 'template' : ''}\u0000${use.key}\u0000${valueKey}`;
    const group = byHolder.get(holder) ?? { uses: [], services: new Set(), value: use.value, build: use.kind.startsWith('build'), mergeable: true };
    group.uses.push(use);
    group.services.add(use.service);
    group.mergeable &&= use.value !== undefined && use.value.length > 0 && !use.placeholder && use.template === undefined;
    byHolder.set(holder, group);
  });

  const merged: Group[] = [];
  // The groups merged so far by value: only those can share one with the next.
  const byValue = new Map<string, Group[]>();
  for (const group of byHolder.values()) {
    if (!group.mergeable || group.value === undefined) {
      merged.push(group);
      continue;
    }
    const valueKey = `${group.build}\u0000${group.value.toString('base64')}`;
    const sameValue = byValue.get(valueKey) ?? [];
    const into = sameValue.find((other) => sharesValue(other, group));
    if (into === undefined) {
      merged.push(group);
      sameValue.push(group);
      byValue.set(valueKey, sameValue);
      continue;
    }
    into.uses.push(...group.uses);
    for (const service of group.services) into.services.add(service);
  }

  return merged.map((group) => {
    const holder = group.uses.find((use) => use.kind === 'compose-secret' || use.kind === 'build-secret') ?? (group.uses[0] as SecretUse);
    const name = uniqueName(secretName(holder.key), holder.service, taken);
    const template = group.uses[0]?.template;
    return { name, value: group.value, build: group.build, uses: group.uses, ...(template ? { template } : {}) };
  });
}

function sharesValue(a: Group, b: Group): boolean {
  if (!a.mergeable || !b.mergeable || a.build !== b.build || a.value === undefined || b.value === undefined) return false;
  if (!a.value.equals(b.value)) return false;
  return [...b.services].every((service) => !a.services.has(service));
}

/** A manifest secret name: lower-case letters, digits and `_`, starting with a letter. */
export function secretName(key: string): string {
  const name = key.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (name === '') return 'secret';
  return /^[a-z]/.test(name) ? name : `s_${name}`;
}

function uniqueName(base: string, service: string, taken: Set<string>): string {
  let name = base;
  if (taken.has(name)) name = `${base}_${secretName(service)}`;
  for (let counter = 2; taken.has(name); counter++) name = `${base}_${counter}`;
  taken.add(name);
  return name;
}
