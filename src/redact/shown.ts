/**
 * How a message embeds a value it is about (a path in "env file … not found", a service name, a
 * failing command's output): every such message goes through here, so that a value filled in
 * from a secret-named variable or holding a credential is never printed, whatever the message.
 */
import { describeValue } from './describe.js';
import { classifyName } from './names.js';
import { detectCredentials } from './values.js';

/**
 * The value as a message may show it: as it is when nothing says it is a secret; otherwise
 * hidden, with what it was filled from or what it holds, and its redaction.
 * `filledBy`: the variables interpolation filled it from (their own values, not defaults).
 */
export function showValue(value: string, filledBy: readonly string[] = []): string {
  const secretVariables = [...new Set(filledBy.filter((name) => classifyName(name).secret))];
  let why: string;
  if (secretVariables.length > 0) {
    why = `filled from ${secretVariables.map((name) => `\${${name}}`).join(', ')}, a secret`;
  } else {
    const [credential] = detectCredentials(value);
    if (credential === undefined) return value;
    why = `a credential (${credential.description})`;
  }
  return `<hidden: ${why}; ${describeValue(value)}>`;
}

/** `text` with every credential in it replaced by its redaction: for text planes relays but did not write (a command's stderr). */
export function maskCredentials(text: string): string {
  let masked = '';
  let from = 0;
  for (const match of detectCredentials(text)) {
    masked += `${text.slice(from, match.start)}<${describeValue(text.slice(match.start, match.end))}>`;
    from = match.end;
  }
  return masked + text.slice(from);
}

