/**
 * The command lines of a service (`command`, `entrypoint`, `healthcheck.test`) without the
 * secrets that moved: where a shell runs the line, a secret's value (or a reference to a
 * variable that no longer holds it) becomes a read of its file under /run/secrets. A
 * healthcheck in exec form becomes a CMD-SHELL to do so; other exec forms cannot, and are
 * reported.
 */
import { describeValue, detectPasswordArguments } from '../judge/index.js';
import { argumentsHoldPassword, containsStandingAlone, scriptOfArguments, splitCommandLine, substituteInScript, type Substitution } from './shell.js';

export interface CommandSecret {
  name: string;
  /** Where the service reads it: /run/secrets/<target>. */
  path: string;
  value: string | undefined;
  /** Variables of this service that held it and no longer do: `$VAR` in a script reads the file instead. */
  variables: string[];
}

export interface Finding {
  level: 'blocker' | 'review';
  message: string;
}

export interface SecuredCommands {
  /** The fields that changed, in their new form. */
  fields: Record<string, unknown>;
  /** Secrets now read by a command line, which the service must mount. */
  used: Set<string>;
  findings: Finding[];
  /** The fields that still hold a secret (each has a blocker among the findings): they must not be written. */
  leaked: Set<string>;
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', '/bin/sh', '/bin/bash', '/bin/ash', '/bin/dash', '/usr/bin/bash', '/bin/zsh']);
/** The fields that hold command lines. */
export const COMMAND_FIELDS = ['command', 'entrypoint', 'healthcheck'] as const;

export function secureCommandLines(definition: Record<string, unknown>, secrets: readonly CommandSecret[], noShell: string | undefined): SecuredCommands {
  const result: SecuredCommands = { fields: {}, used: new Set(), findings: [], leaked: new Set() };
  // Longer values first: a value may contain a shorter one.
  const ordered = [...secrets].sort((a, b) => (b.value?.length ?? 0) - (a.value?.length ?? 0));
  for (const field of COMMAND_FIELDS) {
    const original = definition[field];
    if (original === undefined || original === null) continue;
    const findingsBefore = result.findings.length;
    const secured = field === 'healthcheck' ? secureHealthcheck(original, ordered, result, noShell) : secureCommand(field, original, ordered, result);
    if (secured !== original) result.fields[field] = secured;
    reportLeftovers(field, field === 'healthcheck' ? (secured as { test?: unknown }).test : secured, ordered, result);
    const blockers = result.findings.slice(findingsBefore).filter((finding) => finding.level === 'blocker');
    if (blockers.length === 0) continue;
    result.leaked.add(field);
    for (const blocker of blockers) blocker.message += `; ${field} is left out of the migrated project until then`;
  }
  return result;
}

function secureCommand(field: string, value: unknown, secrets: readonly CommandSecret[], result: SecuredCommands): unknown {
  const words = typeof value === 'string' ? splitCommandLine(value) : Array.isArray(value) ? (value as string[]) : undefined;
  if (words === undefined) return value;
  const scriptAt = SHELLS.has(words[0] ?? '') && words[1] === '-c' ? 2 : -1;
  if (scriptAt === -1) {
    for (const secret of secrets) {
      if (secret.value !== undefined && argumentsHoldPassword(words, secret.value)) {
        result.findings.push({ level: 'blocker', message: `${field} passes the secret ${secret.name} (${describeValue(secret.value)}) as an argument with no shell to read it from its file: have the program read ${secret.path}, or run it through sh -c "… \\"$(cat ${secret.path})\\""` });
      }
    }
    return value;
  }
  const script = substituteAll(words[scriptAt] as string, secrets, result);
  if (script === words[scriptAt]) return value;
  return [...words.slice(0, scriptAt), script, ...words.slice(scriptAt + 1)];
}

function secureHealthcheck(healthcheck: unknown, secrets: readonly CommandSecret[], result: SecuredCommands, noShell: string | undefined): unknown {
  if (typeof healthcheck !== 'object' || healthcheck === null) return healthcheck;
  const test = (healthcheck as { test?: unknown }).test;
  let secured: unknown = test;
  if (typeof test === 'string') {
    secured = substituteAll(test, secrets, result);
  } else if (Array.isArray(test) && test[0] === 'CMD-SHELL' && typeof test[1] === 'string') {
    const script = substituteAll(test[1], secrets, result);
    if (script !== test[1]) secured = ['CMD-SHELL', script];
  } else if (Array.isArray(test) && test[0] === 'CMD') {
    secured = secureExecHealthcheck(test.slice(1) as string[], secrets, result, noShell) ?? test;
  }
  return secured === test ? healthcheck : { ...healthcheck, test: secured };
}

function secureExecHealthcheck(args: string[], secrets: readonly CommandSecret[], result: SecuredCommands, noShell: string | undefined): unknown[] | undefined {
  const held = secrets.filter((secret) => secret.value !== undefined && argumentsHoldPassword(args, secret.value));
  if (held.length === 0) return undefined;
  if (noShell !== undefined) {
    result.findings.push({ level: 'blocker', message: `healthcheck passes the secret ${held.map((s) => s.name).join(', ')} as an argument, and ${noShell} to read it from its file` });
    return undefined;
  }
  for (const secret of held) result.used.add(secret.name);
  result.findings.push({ level: 'review', message: `healthcheck rewritten from CMD to CMD-SHELL so that it reads ${held.map((s) => s.path).join(', ')} instead of holding the secret (the image needs /bin/sh)` });
  return ['CMD-SHELL', scriptOfArguments(args, held.map((secret) => ({ value: secret.value as string, path: secret.path })))];
}

function substituteAll(script: string, secrets: readonly CommandSecret[], result: SecuredCommands): string {
  let text = script;
  for (const secret of secrets) {
    for (const variable of secret.variables) {
      for (const reference of [`\${${variable}}`, `$${variable}`]) {
        const substitution = substituteInScript(text, reference, secret.path, 'anywhere');
        text = record(substitution, secret, result);
      }
    }
    if (secret.value !== undefined && secret.value !== '') text = record(substituteInScript(text, secret.value, secret.path, 'password'), secret, result);
  }
  return text;
}

function record(substitution: Substitution, secret: CommandSecret, result: SecuredCommands): string {
  if (substitution.replaced > 0) result.used.add(secret.name);
  if (substitution.stuck > 0) {
    result.findings.push({ level: 'blocker', message: `a script holds the secret ${secret.name} inside single quotes, where it cannot be read from ${secret.path}: rewrite that part by hand` });
  }
  return substitution.text;
}

/**
 * What is left on a line once the known secrets are read from files: a password the
 * checker sees, which was reported already when it is a known secret held where no shell
 * runs, and known values standing where no password goes, which may be a user name.
 */
function reportLeftovers(field: string, value: unknown, secrets: readonly CommandSecret[], result: SecuredCommands): void {
  const line = typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string')) ? (value as string | string[]) : undefined;
  if (line === undefined) return;
  const words = typeof line === 'string' ? [line] : line;
  const held = secrets.filter((secret) => secret.value !== undefined && secret.value !== '' && argumentsHoldPassword(words, secret.value));
  for (const match of detectPasswordArguments(line)) {
    const text = (typeof line === 'string' ? line : (line[match.argument ?? 0] ?? '')).slice(match.start, match.end);
    if (held.some((secret) => secret.value === text)) continue;
    result.findings.push({ level: 'blocker', message: `${field} still holds a password on its command line (${match.description}, ${describeValue(text)}): have the program read it from a file under /run/secrets` });
  }
  for (const secret of secrets) {
    if (held.includes(secret) || secret.value === undefined || secret.value === '' || !words.some((word) => containsStandingAlone(word, secret.value as string))) continue;
    result.findings.push({ level: 'review', message: `${field} holds the value of the secret ${secret.name} (${describeValue(secret.value)}) where no password goes (a user or database name equal to it?): left as it is; check it is not the secret, and choose a password that differs from it` });
  }
}
