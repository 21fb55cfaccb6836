/**
 * The judgement of a command line (`command`, `entrypoint`, `healthcheck.test`): a password
 * option or a credential format on it, a secret the caller knows written anywhere on it (the
 * database password repeated on a healthcheck's `sqlcmd` line), and a secret-named variable
 * that Compose interpolates into it (`$$VAR`, expanded in the container, is not one).
 * docker inspect and ps show them all.
 */
import { type CommandLineMatch, detectPasswordArguments } from './command-line.js';
import { everyKnownSecret, KNOWN_SECRET } from './known-secrets.js';
import { classifyName, describeValue } from '../redact/index.js';
import type { CommandLine, CommandVerdict, JudgeOptions } from './verdict.js';
import { fillOrigins, natureOf, referenceFact, secretReferences } from './written.js';

/**
 * Every password or credential found, then every known secret elsewhere on the line, then each
 * argument that interpolates a secret variable and holds none of them.
 */
export function judgeCommandLine(line: CommandLine, options: JudgeOptions = {}): CommandVerdict[] {
  const verdicts: CommandVerdict[] = [];
  const flagged = new Set<number | null>();
  const detected = detectPasswordArguments(line.value);
  for (const match of [...detected, ...knownSecretsOn(line, detected, options)]) {
    const text = typeof line.value === 'string' ? line.value : (line.value[match.argument ?? 0] ?? '');
    verdicts.push({
      kind: 'password-on-command-line',
      field: line.field,
      argument: match.argument,
      severity: match.severity,
      reason: match.description,
      evidence: describeValue(text.slice(match.start, match.end)),
      nature: natureOf(match),
      filledFrom: fillOrigins(line.written[match.argument ?? 0], 'compose'),
    });
    flagged.add(match.argument);
  }
  line.written.forEach((written, index) => {
    const argument = typeof line.value === 'string' ? null : index;
    const reference = secretReferences(written?.references ?? [])[0];
    if (reference === undefined || flagged.has(argument)) return;
    flagged.add(argument);
    verdicts.push({
      kind: 'secret-variable-on-command-line',
      field: line.field,
      argument,
      severity: 'error',
      reason: classifyName(reference.name).reason,
      ...(reference.replacement === '' ? {} : { evidence: describeValue(reference.replacement) }),
      reference: referenceFact(reference, written, 'compose'),
    });
  });
  return verdicts;
}

/** The secrets the caller knows, written on the line where no detection already is. */
function knownSecretsOn(line: CommandLine, detected: readonly CommandLineMatch[], options: JudgeOptions): CommandLineMatch[] {
  const { findKnownSecret } = options;
  if (findKnownSecret === undefined) return [];
  const texts = typeof line.value === 'string' ? [{ text: line.value, argument: null }] : line.value.map((text, argument) => ({ text, argument }));
  return texts.flatMap(({ text, argument }) =>
    everyKnownSecret(text, findKnownSecret)
      .filter(({ start, end }) => !detected.some((other) => other.argument === argument && start < other.end && other.start < end))
      .map(({ secret, start, end }): CommandLineMatch => ({ id: KNOWN_SECRET, description: `the value of the secret ${secret}`, severity: 'error', argument, start, end })),
  );
}
