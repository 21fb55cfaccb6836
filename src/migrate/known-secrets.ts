/**
 * The runtime secrets whose value migration knows, indexed so that the secrets a command line
 * holds are found in time linear in its length, whatever the number of secrets: a project of
 * thousands of services has thousands of secrets, and each service's command lines are
 * searched for all of them.
 */

export interface KnownSecret {
  name: string;
  value: string;
}

/** Values are indexed by their first characters; shorter ones are few and always candidates. */
const PREFIX = 4;

export class KnownSecrets {
  private readonly byName = new Map<string, KnownSecret>();
  private readonly byPrefix = new Map<string, KnownSecret[]>();
  private readonly short: KnownSecret[] = [];

  constructor(secrets: readonly KnownSecret[]) {
    for (const secret of secrets) {
      this.byName.set(secret.name, secret);
      if (secret.value.length < PREFIX) {
        this.short.push(secret);
        continue;
      }
      const prefix = secret.value.slice(0, PREFIX);
      const bucket = this.byPrefix.get(prefix);
      if (bucket === undefined) this.byPrefix.set(prefix, [secret]);
      else bucket.push(secret);
    }
  }

  named(name: string): KnownSecret | undefined {
    return this.byName.get(name);
  }

  /** Every known secret whose value occurs in `text`, each once. */
  occurringIn(text: string): KnownSecret[] {
    const found = new Set<KnownSecret>(this.short.filter((secret) => text.includes(secret.value)));
    for (let at = 0; at + PREFIX <= text.length; at++) {
      for (const secret of this.byPrefix.get(text.slice(at, at + PREFIX)) ?? []) {
        if (text.startsWith(secret.value, at)) found.add(secret);
      }
    }
    return [...found];
  }
}
