/**
 * The runtime secrets whose value migration knows, each found wherever it is written: every
 * service's command lines are searched for all of them.
 */
import { PrefixIndex } from '../judge/index.js';

export interface KnownSecret {
  name: string;
  value: string;
}

/** Values are indexed by their first characters; a migrated secret may be as short as a word. */
const PREFIX = 4;

export class KnownSecrets {
  private readonly byName = new Map<string, KnownSecret>();
  private readonly index = new PrefixIndex<KnownSecret>(PREFIX, (secret) => secret.value);

  constructor(secrets: readonly KnownSecret[]) {
    for (const secret of secrets) {
      this.byName.set(secret.name, secret);
      this.index.add(secret);
    }
  }

  named(name: string): KnownSecret | undefined {
    return this.byName.get(name);
  }

  /** Every known secret whose value occurs in `text`, each once. */
  occurringIn(text: string): KnownSecret[] {
    const found = new Set<KnownSecret>();
    for (let at = 0; at < text.length; at++) for (const secret of this.index.startingAt(text, at)) found.add(secret);
    return [...found];
  }
}
