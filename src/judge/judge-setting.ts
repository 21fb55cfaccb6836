/**
 * The one judgement behind the secret-in-* rules (DESIGN.md §4) and audit: whether a setting,
 * as written, puts a secret where none may go — a container's environment, a build argument,
 * an image layer, a label.
 *
 * A setting is judged by its value against the secrets the caller knows, then by its name,
 * then by its value, then by how the value was written:
 * - a secret-named variable is a secret slot whatever fills it: a literal, a `${VAR}` filled now
 *   or at deploy time, a literal default, a value passed through from the host (a bare `NAME`).
 *   Only an empty literal, a path under /run/secrets or a flag/limit (isHarmlessValue) leave it
 *   without a secret; a placeholder still marks the slot (a warning). A secret-named Dockerfile
 *   ARG is a slot even then: whatever the build passes it stays in the image history;
 * - a name that expects a path (…_FILE) must hold a path;
 * - any value, labels included (whose names are metadata, never judged): a known credential
 *   format, a secret-named variable interpolated into it, a credential written as a default in it.
 */
import { interpolate, type VariableReference } from '../compose/index.js';
import { classifyName, describeValue, detectCredentials, detectSettingCredentials, isHarmlessValue, isPlaceholder, looksLikeFilePath, type NameVerdict } from '../redact/index.js';
import type { JudgeOptions, NameRule, ReferenceFact, Setting, SettingVerdict } from './verdict.js';
import { fillOrigins, mostSevere, natureOf, referenceFact, secretReferences, variablesOf } from './written.js';

/** Each kind of verdict without the facts judgeSetting adds to every one. */
type WithoutSettingFacts<Verdict> = Verdict extends unknown ? Omit<Verdict, 'place' | 'name' | 'nameRule' | 'credentialFormats'> : never;
type Found = WithoutSettingFacts<SettingVerdict>;

export function judgeSetting(setting: Setting, options: JudgeOptions = {}): SettingVerdict | undefined {
  const name = setting.place === 'label' ? undefined : classifyName(setting.name);
  const found = judgeKnownValue(setting, options) ?? judgeByName(setting, name);
  const identifier = name?.secret === true && name.severity === 'warning';
  if (found === undefined || (identifier && found.kind === 'placeholder-in-secret-slot')) return undefined;
  const nameRule = nameRuleOf(name);
  const credentialFormats = credentialFormatsOf(setting);
  // The ID half of a key pair (…_ACCESS_KEY_ID) is a warning, unless its value is a credential itself (an AKIA key ID).
  const severity = identifier && credentialFormats.length === 0 ? 'warning' : found.severity;
  return { ...found, severity, place: setting.place, name: setting.name, ...(nameRule === undefined ? {} : { nameRule }), credentialFormats };
}

/** By name first: a secret name decides alone; a path name decides when its value is not a path. */
function judgeByName(setting: Setting, name: NameVerdict | undefined): Found | undefined {
  // Key material given as its file (REDIS_TLS_KEY=/certs/redis.key) is judged as any other value.
  const keyFile = name?.pathAllowed === true && typeof setting.value === 'string' && looksLikeFilePath(setting.value);
  if (name?.secret && !keyFile) return judgeSecretNamed(setting, name.reason);
  if (name?.expectsPath) {
    const found = judgePathNamed(setting, name.reason);
    if (found !== undefined) return found;
  }
  return judgeValue(setting);
}

/** A value equal to a secret the caller knows, whatever its name. */
function judgeKnownValue(setting: Setting, options: JudgeOptions): Found | undefined {
  const { value } = setting;
  if (typeof value !== 'string' || value === '') return undefined;
  const secret = options.knownSecret?.(value);
  if (secret === undefined) return undefined;
  return { kind: 'known-secret-value', severity: 'error', reason: `equal to the value of the secret ${secret}`, evidence: describeValue(value), secret };
}

/** A name-based secret slot: empty only when written empty, as a flag or limit, or as a /run/secrets path. */
function judgeSecretNamed(setting: Setting, reason: string): Found | undefined {
  const { place, value, written } = setting;
  const references = written?.references ?? [];
  if (place === 'dockerfile-arg' || value === undefined) {
    const literal = value !== undefined && value !== null && references.length === 0;
    if (literal && value !== '' && !isHarmlessValue(value) && !isPlaceholder(value)) {
      return { kind: 'secret-named-arg-default', severity: 'error', reason, evidence: describeValue(value) };
    }
    return { kind: 'build-time-slot', severity: 'error', reason, ...(typeof value === 'string' && value !== '' ? { evidence: describeValue(value) } : {}) };
  }
  if (value === null) {
    const { host } = setting;
    if (host?.value === undefined) return { kind: 'passed-through-from-host', severity: 'error', reason, host: 'unset' };
    return { kind: 'passed-through-from-host', severity: 'error', reason, evidence: describeValue(host.value), host: host.source ?? 'shell' };
  }
  const [firstReference, ...otherReferences] = references;
  if (firstReference !== undefined) {
    const variables = variablesOf(place);
    const fact = (reference: VariableReference): ReferenceFact => referenceFact(reference, written, variables);
    return {
      kind: 'filled-by-interpolation',
      severity: 'error',
      reason,
      // Empty here, the value is only known when whatever fills it at deploy time does.
      ...(value === '' ? {} : { evidence: describeValue(value) }),
      filledFrom: fillOrigins(written, variables),
      references: [fact(firstReference), ...otherReferences.map(fact)],
    };
  }
  if (value === '' || isHarmlessValue(value)) return undefined;
  if (isPlaceholder(value)) return { kind: 'placeholder-in-secret-slot', severity: 'warning', reason, evidence: describeValue(value) };
  return { kind: 'secret-named-literal', severity: 'error', reason, evidence: describeValue(value) };
}

/** A name that says its value is where the secret lives: a path is fine, anything else is the secret itself. */
function judgePathNamed(setting: Setting, reason: string): Found | undefined {
  const { value, written } = setting;
  if (value === null || value === undefined || value === '' || looksLikeFilePath(value) || isHarmlessValue(value)) return undefined;
  return {
    kind: 'secret-in-file-variable',
    severity: isPlaceholder(value) ? 'warning' : 'error',
    reason,
    evidence: describeValue(value),
    filledFrom: fillOrigins(written, variablesOf(setting.place)),
  };
}

/** What any value may carry, whatever its name: a credential, a secret variable, a credential default. */
function judgeValue(setting: Setting): Found | undefined {
  const { place, value, written } = setting;
  if (value === null || value === undefined) return undefined;
  const variables = variablesOf(place);
  const match = mostSevere(detectSettingCredentials(setting.name, value));
  if (match !== undefined) {
    const evidence = describeValue(value.slice(match.start, match.end));
    return { kind: 'credential-format', severity: match.severity, reason: match.description, evidence, nature: natureOf(match), filledFrom: fillOrigins(written, variables) };
  }
  const reference = secretReferences(written?.references ?? [])[0];
  if (reference !== undefined) {
    return {
      kind: 'secret-variable-interpolated',
      severity: 'error',
      reason: classifyName(reference.name).reason,
      ...(reference.replacement === '' ? {} : { evidence: describeValue(reference.replacement) }),
      reference: referenceFact(reference, written, variables),
    };
  }
  const template = written?.template;
  if (template === undefined) return undefined;
  // The value as it reads when no variable is set: every default written in it, in place.
  const literal = interpolate(template, () => undefined).value;
  const fallback = literal === value ? undefined : mostSevere(detectSettingCredentials(setting.name, literal));
  if (fallback === undefined) return undefined;
  const evidence = describeValue(literal.slice(fallback.start, fallback.end));
  return { kind: 'credential-in-default', severity: fallback.severity, reason: fallback.description, evidence, nature: natureOf(fallback) };
}

function nameRuleOf(name: NameVerdict | undefined): NameRule | undefined {
  if (name?.secret) return { says: 'secret', reason: name.reason };
  if (name?.expectsPath) return { says: 'secret-file', reason: name.reason };
  return undefined;
}

/** The credential formats in what the setting gives: its value, or the host's for a bare NAME. */
function credentialFormatsOf(setting: Setting): string[] {
  const value = setting.value === null ? setting.host?.value : setting.value;
  if (value === undefined || value === '') return [];
  return detectCredentials(value)
    .filter((match) => match.severity === 'error')
    .map((match) => match.description);
}
