/**
 * The judgement of a command line (`command`, `entrypoint`, `healthcheck.test`): a password
 * option or a credential format on it, and a secret-named variable that Compose interpolates
 * into it (`$$VAR`, expanded in the container, is not one). docker inspect and ps show both.
 */
import { detectPasswordArguments } from './command-line.js';
import { classifyName, describeValue } from '../redact/index.js';
import type { CommandLine, CommandVerdict } from './verdict.js';
import { fillOrigins, natureOf, referenceFact, secretReferences } from './written.js';

/** Every password or credential found, then each argument that interpolates a secret variable and holds none of them. */
export function judgeCommandLine(line: CommandLine): CommandVerdict[] {
  const verdicts: CommandVerdict[] = [];
  const flagged = new Set<number | null>();
  for (const match of detectPasswordArguments(line.value)) {
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
