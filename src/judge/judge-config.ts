/**
 * The judgement of a top-level compose config. A Docker config is no secret: `docker config
 * inspect` shows its data to anyone who can reach the Swarm, and every process of the containers
 * that use it can read it. So a config must not be made from a secret-named variable, and no
 * part of it — the variable's value, its `content`, its file — may hold a credential or a
 * secret the caller knows (the database password written again into an app's config file).
 */
import { classifyName, type CredentialMatch, describeValue, detectCredentials } from '../redact/index.js';
import { everyKnownSecret, KNOWN_SECRET } from './known-secrets.js';
import type { ConfigCredentialVerdict, ConfigPart, ConfigVerdict, JudgeOptions, TextPart } from './verdict.js';

/** A config made from a variable (`environment: NAME`), whose value, undefined when unset here, is the whole config. */
export function judgeConfigVariable(config: string, variable: string, value: string | undefined, options: JudgeOptions = {}): ConfigVerdict | undefined {
  const part = { from: 'variable', variable } as const;
  const name = classifyName(variable);
  if (name.secret) {
    return { kind: 'config-from-secret-variable', config, part, severity: 'error', reason: name.reason, ...(value ? { evidence: describeValue(value) } : {}) };
  }
  // The first credential says enough, and makes the config an error whatever the format.
  const [match] = value === undefined ? [] : credentialsIn(value, options);
  return match === undefined || value === undefined ? undefined : credentialVerdict(config, part, value, match, 'error');
}

/** A config's content or file: every credential in it, with its format's severity. */
export function judgeConfigText(config: string, part: TextPart, text: string, options: JudgeOptions = {}): ConfigCredentialVerdict[] {
  return credentialsIn(text, options).map((match) => credentialVerdict(config, part, text, match, match.severity));
}

/** Every credential in a text, then every secret the caller knows where no credential already is, in order. */
function credentialsIn(text: string, { findKnownSecret }: JudgeOptions): CredentialMatch[] {
  const matches = detectCredentials(text);
  if (findKnownSecret === undefined) return matches;
  const known = everyKnownSecret(text, findKnownSecret)
    .filter(({ start, end }) => !matches.some((other) => start < other.end && other.start < end))
    .map(({ secret, start, end }): CredentialMatch => ({ id: KNOWN_SECRET, description: `the value of the secret ${secret}`, severity: 'error', start, end }));
  return [...matches, ...known].sort((a, b) => a.start - b.start);
}

function credentialVerdict(config: string, part: ConfigPart, text: string, match: CredentialMatch, severity: ConfigVerdict['severity']): ConfigCredentialVerdict {
  return { kind: 'credential-in-config', config, part, severity, reason: match.description, evidence: describeValue(text.slice(match.start, match.end)), offset: match.start };
}
