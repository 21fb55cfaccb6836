import type { DotenvEntry, EnvFileRead, EnvSource, VariableReference } from '../../compose/index.js';
import { judgeSetting, type Setting, verdictMessage } from '../../judge/index.js';
import type { CheckContext, Rule, RuleFinding } from '../rule.js';

/**
 * Every entry of every env_file a service reads, located at the entry in the env file. The fix
 * is one line whoever reads it, so an env file read by several services gives one finding per
 * line, tied to no single service (`service` null) and naming its readers.
 */
export const secretInEnvFileRule: Rule = {
  id: 'secret-in-env-file',
  description: "a secret in an env_file, which Compose puts in the service's environment",
  severity: 'error',
  check(context) {
    // A file read after different env files by different services is read once for each.
    const readsByPath = new Map<string, EnvFileRead[]>();
    for (const read of context.project.envFileReads) readsByPath.set(read.path, [...(readsByPath.get(read.path) ?? []), read]);
    const findings: RuleFinding[] = [];
    for (const [path, reads] of readsByPath) {
      const file = context.display(path);
      const services = [...new Set(reads.flatMap((read) => read.readers))];
      const service = services.length === 1 ? (services[0] as string) : null;
      const readBy = service === null ? ` (read by ${services.join(', ')})` : '';
      (reads[0] as EnvFileRead).entries.forEach((entry, index) => {
        const verdict = reads.map((read) => judgeSetting(settingOf(context, file, read, index), context.judgeOptions)).find((judged) => judged !== undefined);
        if (verdict === undefined) return;
        findings.push({ file, line: entry.line, column: entry.column, service, key: entry.key, path: null, severity: verdict.severity, message: verdictMessage(verdict) + readBy });
      });
    }
    return findings;
  },
};

function settingOf(context: CheckContext, file: string, read: EnvFileRead, index: number): Setting {
  const { entries } = read;
  const entry = entries[index] as DotenvEntry;
  const { projectEnv } = context.project;
  if (entry.inherited) {
    const source = read.before.get(entry.key)?.source ?? projectEnv.sourceOf(entry.key);
    return { place: 'env-file', name: entry.key, value: null, host: { value: entry.value, ...(source === undefined ? {} : { source }) } };
  }
  const value = entry.value ?? '';
  if (entry.references.length === 0) return { place: 'env-file', name: entry.key, value };
  // Compose fills `${VAR}` in an env file from the service's earlier env files first, then
  // the project environment, then the lines of the file above it.
  const sources: Record<string, EnvSource> = {};
  for (const name of referencedNames(entry.references)) {
    const earlier = read.before.get(name);
    const source = earlier
      ? earlier.source
      : projectEnv.lookup(name) !== undefined
        ? projectEnv.sourceOf(name)
        : lineAbove(entries, index, name, file);
    if (source !== undefined) sources[name] = source;
  }
  // Single quotes are literal, so only an unquoted or double-quoted value has references.
  const template = entry.raw.startsWith('"') ? entry.raw.slice(1, -1) : entry.raw;
  return { place: 'env-file', name: entry.key, value, written: { template, references: entry.references, sources } };
}

function* referencedNames(references: readonly VariableReference[]): Generator<string> {
  for (const reference of references) {
    yield reference.name;
    yield* referencedNames(reference.nested);
  }
}

function lineAbove(entries: readonly DotenvEntry[], index: number, name: string, file: string): EnvSource | undefined {
  const above = entries.slice(0, index).findLast((entry) => entry.key === name && entry.value !== undefined);
  return above === undefined ? undefined : { file, line: above.line };
}
