/**
 * The one judgement behind the secret-in-* rules (DESIGN.md §4) and audit: whether a setting,
 * as written, puts a secret where none may go — a container's environment, a build argument,
 * an image layer, a label.
 *
 * A setting is judged by its name, then by its value, then against the secrets the caller
 * knows, then by how the value was written:
 * - a secret-named variable is a secret slot whatever fills it: a literal, a `${VAR}` filled now
 *   or at deploy time, a literal default, a value passed through from the host (a bare `NAME`).
 *   Only an empty literal, a path under /run/secrets or a flag/limit (isHarmlessValue) leave it
 *   without a secret; a placeholder still marks the slot (a warning). A secret-named Dockerfile
 *   ARG is a slot even then: whatever the build passes it stays in the image history;
 * - a name that expects a path (…_FILE) must hold a path;
 * - a label's name is the key a tool reads, so it says a secret only by a secret word
 *   (`com.example.db.password`, `homepage.widget.token`) or as a basic-auth label
 *   (`…basicauth.users`, `caddy.basicauth.<user>`), whose hashes are warnings and whose plain
 *   passwords are errors; a `….command` label (ofelia's jobs) is a command line; its path
 *   words (`…usersfile`) name where a tool looks, not a slot;
 * - any value, the host's for a bare `NAME` included: a known credential format, a secret the
 *   caller knows (the same password under a harmless name), a secret-named variable
 *   interpolated into it, a credential written as a default in it.
 */
import { interpolate, type VariableReference } from '../compose/index.js';
import { classifyName, type CredentialMatch, describeValue, detectCredentials, detectSettingCredentials, isHarmlessValue, isPlaceholder, looksLikeFilePath, type NameVerdict, ScanCache } from '../redact/index.js';
import { basicAuthCredentials } from './basic-auth.js';
import { detectPasswordArguments } from './command-line.js';
import type { FillOrigin, JudgeOptions, NameRule, ReferenceFact, Setting, SettingVerdict } from './verdict.js';
import { fillOrigins, mostSevere, natureOf, referenceFact, secretReferences, variablesOf } from './written.js';

/** Each kind of verdict without the facts judgeSetting adds to every one. */
type WithoutSettingFacts<Verdict> = Verdict extends unknown ? Omit<Verdict, 'place' | 'name' | 'nameRule' | 'credentialFormats'> : never;
type Found = WithoutSettingFacts<SettingVerdict>;

export function judgeSetting(setting: Setting, options: JudgeOptions = {}): SettingVerdict | undefined {
  const { place, name, value } = setting;
  if (setting.written !== undefined || setting.host !== undefined || typeof value !== 'string') return judgeAnySetting(setting, options);
  let verdicts = literalVerdicts.get(options);
  if (verdicts === undefined) {
    verdicts = new ScanCache();
    literalVerdicts.set(options, verdicts);
  }
  return verdicts.get(`${place}:${name.length}:${name}${value}`, () => judgeAnySetting(setting, options) ?? null) ?? undefined;
}

/**
 * A literal setting — written as it is, no variable in it, not passed through from the host —
 * is judged by its place, name and value alone, and projects write the same ones in service
 * after service: each is judged once for the options it is judged with. Verdicts are shared,
 * and never changed.
 */
const literalVerdicts = new WeakMap<JudgeOptions, ScanCache<SettingVerdict | null>>();

function judgeAnySetting(setting: Setting, options: JudgeOptions): SettingVerdict | undefined {
  const name = nameVerdictOf(setting);
  const found = judgeNameThenValue(setting, name, options);
  const identifier = name?.secret === true && name.severity === 'warning';
  if (found === undefined || (identifier && found.kind === 'placeholder-in-secret-slot')) return undefined;
  const nameRule = nameRuleOf(name);
  const credentialFormats = credentialFormatsOf(setting);
  // The ID half of a key pair (…_ACCESS_KEY_ID) is a warning, unless its value is a credential itself (an AKIA key ID).
  const severity = identifier && credentialFormats.length === 0 ? 'warning' : found.severity;
  return { ...found, severity, place: setting.place, name: setting.name, ...(nameRule === undefined ? {} : { nameRule }), credentialFormats };
}

/** What a setting's name says; a label's name says a secret only by a secret word. */
function nameVerdictOf(setting: Setting): NameVerdict | undefined {
  const verdict = classifyName(setting.name);
  if (setting.place !== 'label') return verdict;
  return verdict.secret ? verdict : undefined;
}

/** By name first: a secret name decides alone; a path name decides when its value is not a path. */
function judgeNameThenValue(setting: Setting, name: NameVerdict | undefined, options: JudgeOptions): Found | undefined {
  if (setting.place === 'label') return judgeLabel(setting, name, options);
  // Key material given as its file (REDIS_TLS_KEY=/certs/redis.key) is judged as any other value.
  const keyFile = name?.pathAllowed === true && typeof setting.value === 'string' && looksLikeFilePath(setting.value);
  // Even when a variable of the same name filled it (${REDIS_TLS_KEY:-/certs/redis.key}): a path is where the key is.
  if (keyFile) return undefined;
  if (name?.secret) return judgeSecretNamed(setting, name.reason);
  if (name?.expectsPath) {
    const found = judgePathNamed(setting, name.reason);
    if (found !== undefined) return found;
  }
  return judgeByValue(setting, options);
}

/**
 * A label the other way round: its name is the key a tool reads, so what its value holds says
 * more (a hash is a warning even under `….password`); a secret word in its name says the rest.
 */
function judgeLabel(setting: Setting, name: NameVerdict | undefined, options: JudgeOptions): Found | undefined {
  const byValue = judgeByValue(setting, options);
  if (byValue?.severity === 'error') return byValue;
  const found = judgeBasicAuth(setting) ?? judgeLabelCommand(setting) ?? byValue;
  if (found !== undefined || !name?.secret) return found;
  return judgeSecretNamed(setting, name.reason);
}

/** By value: a credential in it, else a secret the caller knows, else what was written into it. */
function judgeByValue(setting: Setting, options: JudgeOptions): Found | undefined {
  const byValue = judgeValue(setting);
  if (byValue?.severity === 'error') return byValue;
  return judgeKnownValue(setting, options) ?? byValue;
}

/** The value the setting gives the container: the host's, for a bare `NAME`. */
function effectiveValue(setting: Setting): string | undefined {
  return setting.value === null ? setting.host?.value : setting.value;
}

/** A value equal to, or holding, a secret the caller knows, whatever its name. */
function judgeKnownValue(setting: Setting, options: JudgeOptions): Found | undefined {
  const value = effectiveValue(setting);
  if (value === undefined || value === '') return undefined;
  const equal = options.knownSecret?.(value);
  const match = equal === undefined ? options.findKnownSecret?.(value) : { secret: equal, start: 0, end: value.length };
  if (match === undefined) return undefined;
  const { secret } = match;
  const reason = match.start === 0 && match.end === value.length ? `equal to the value of the secret ${secret}` : `holds the value of the secret ${secret}`;
  return { kind: 'known-secret-value', severity: 'error', reason, evidence: describeValue(value.slice(match.start, match.end)), secret };
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

/** A basic-auth label's credentials: the most severe one, a plain password before a hash. */
function judgeBasicAuth(setting: Setting): Found | undefined {
  const { value } = setting;
  if (typeof value !== 'string') return undefined;
  const match = mostSevere(basicAuthCredentials(setting.name, value));
  return match === undefined ? undefined : credentialFound(value, match, fillOrigins(setting.written, 'compose'));
}

/** A label that holds a command a scheduler runs (ofelia's `ofelia.job-exec.<job>.command`): its password options. */
function judgeLabelCommand(setting: Setting): Found | undefined {
  const { value } = setting;
  if (typeof value !== 'string' || !COMMAND_LABEL.test(setting.name)) return undefined;
  const match = mostSevere(detectPasswordArguments(value));
  return match === undefined ? undefined : credentialFound(value, match, fillOrigins(setting.written, 'compose'));
}

const COMMAND_LABEL = /(?:^|\.)command$/i;

function credentialFound(value: string, match: CredentialMatch, filledFrom: FillOrigin[]): Found {
  const evidence = describeValue(value.slice(match.start, match.end));
  return { kind: 'credential-format', severity: match.severity, reason: match.description, evidence, nature: natureOf(match), filledFrom };
}

/** What any value may carry, whatever its name: a credential, a secret variable, a credential default. */
function judgeValue(setting: Setting): Found | undefined {
  const { place, written } = setting;
  const value = effectiveValue(setting);
  if (value === undefined) return undefined;
  const variables = variablesOf(place);
  const match = mostSevere(detectSettingCredentials(setting.name, value));
  // A warning-level format (a generated-looking value) yields to a secret-named variable written into the value, an error.
  if (match?.severity === 'error') return credentialFound(value, match, setting.value === null ? hostOrigin(setting) : fillOrigins(written, variables));
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
  if (match !== undefined) return credentialFound(value, match, setting.value === null ? hostOrigin(setting) : fillOrigins(written, variables));
  const template = written?.template;
  if (template === undefined) return undefined;
  // The value as it reads when no variable is set: every default written in it, in place.
  const literal = interpolate(template, () => undefined).value;
  const fallback = literal === value ? undefined : mostSevere(detectSettingCredentials(setting.name, literal));
  if (fallback === undefined) return undefined;
  const evidence = describeValue(literal.slice(fallback.start, fallback.end));
  return { kind: 'credential-in-default', severity: fallback.severity, reason: fallback.description, evidence, nature: natureOf(fallback) };
}

/** Where the host's value of a bare `NAME` came from: an env file line, or the shell. */
function hostOrigin(setting: Setting): FillOrigin[] {
  const source = setting.host?.source;
  return [source === undefined ? { from: 'shell', variable: setting.name } : { from: 'env-file', source }];
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
