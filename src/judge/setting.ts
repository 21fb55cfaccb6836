/**
 * The one judgement behind the secret-in-* rules (DESIGN.md §4): whether a setting, as written,
 * puts a secret where none may go — a container's environment, a build argument, an image
 * layer, a label, a command line — and what to tell the user to do instead.
 *
 * A setting is judged by its name first, then by its value, then by how the value was written:
 * - a secret-named variable is a secret slot whatever fills it: a literal, a `${VAR}` filled now
 *   or at deploy time, a literal default, a value passed through from the host (a bare `NAME`).
 *   Only an empty literal, a path under /run/secrets or a flag/limit (isHarmlessValue) leave it
 *   without a secret; a placeholder still marks the slot (a warning). A secret-named Dockerfile
 *   ARG is a slot even then: whatever the build passes it stays in the image history;
 * - a name that expects a path (…_FILE) must hold a path;
 * - any value, labels included (whose names are metadata, never judged): a known credential
 *   format, a secret-named variable interpolated into it, a credential written as a default in it;
 * - a command line: a password option or a credential format, and a secret-named variable
 *   that Compose interpolates into it (`$$VAR`, expanded in the container, is not one).
 *
 * Messages name variables and files, never a value: values appear only through describeValue.
 */
import { type ComposeOrigin, type EnvSource, interpolate, type InterpolationEnvironment, type VariableReference } from '../compose/index.js';
import { detectPasswordArguments, type CommandLineMatch } from './command-line.js';
import { classifyName } from './names.js';
import { describeValue } from './redact.js';
import { detectCredentials, isHarmlessValue, isPlaceholder, looksLikeFilePath, type CredentialMatch } from './values.js';
import type { Severity } from '../report/index.js';

/** Where a setting lands; it decides what the secret leaks into and what to do instead. */
export type Place = 'environment' | 'env-file' | 'build-arg' | 'dockerfile-arg' | 'dockerfile-env' | 'label';

/** How a value was written, when it was interpolated. */
export interface Written {
  /** The value as written, before interpolation. */
  template?: string;
  /** The variables the template refers to, with what each produced. */
  references: readonly VariableReference[];
  /** The env file line each variable came from; a set variable not here came from the shell. */
  sources: Readonly<Record<string, EnvSource>>;
}

export interface Setting {
  place: Place;
  /** The variable, argument or label name. */
  name: string;
  /**
   * What the container or the build gets: null for a bare `NAME`, whose value is passed through
   * from the host; undefined for an `ARG NAME` without a default, given at build time.
   */
  value: string | null | undefined;
  written?: Written;
  /** For a null value: what the host has under that name here. */
  host?: { value: string | undefined; source?: EnvSource };
}

export interface Verdict {
  severity: Severity;
  message: string;
}

export interface CommandLine {
  /** As messages name it: `command`, `entrypoint`, `healthcheck.test`. */
  field: string;
  value: string | readonly string[];
  /** How each list element (the string, for the string form) was written, by index. */
  written: ReadonlyArray<Written | undefined>;
}

/** A verdict on one argument of a command line; null for the string form. */
export interface CommandVerdict extends Verdict {
  argument: number | null;
}

export function judgeSetting(setting: Setting): Verdict | undefined {
  if (setting.place !== 'label') {
    const name = classifyName(setting.name);
    if (name.secret) return judgeSecretNamed(setting);
    if (name.expectsPath) {
      const verdict = judgePathNamed(setting);
      if (verdict !== undefined) return verdict;
    }
  }
  return judgeValue(setting);
}

export function judgeCommandLine(line: CommandLine): CommandVerdict[] {
  const verdicts: CommandVerdict[] = [];
  const flagged = new Set<number | null>();
  for (const match of detectPasswordArguments(line.value)) {
    const text = typeof line.value === 'string' ? line.value : (line.value[match.argument ?? 0] ?? '');
    const written = line.written[match.argument ?? 0];
    verdicts.push({ argument: match.argument, ...commandMatchVerdict(line.field, text, match, written) });
    flagged.add(match.argument);
  }
  line.written.forEach((written, index) => {
    const argument = typeof line.value === 'string' ? null : index;
    const reference = secretReferences(written?.references ?? [])[0];
    if (reference === undefined || flagged.has(argument)) return;
    flagged.add(argument);
    const problem = `${line.field} interpolates the secret ${describeReference(reference, written, 'compose')} into the command line`;
    verdicts.push({ argument, ...error(`${problem}; ${COMMAND_ADVICE}, e.g. $$(cat /run/secrets/${secretId(reference.name)})`) });
  });
  return verdicts;
}

/** A name-based secret slot: empty only when written empty, as a flag or limit, or as a /run/secrets path. */
function judgeSecretNamed(setting: Setting): Verdict | undefined {
  const { place, name, value, written } = setting;
  const subject = subjectOf(setting);
  const advice = adviceFor(place, name);
  const references = written?.references ?? [];
  if (place === 'dockerfile-arg' || value === undefined) {
    const literal = value !== undefined && value !== null && references.length === 0;
    if (literal && value !== '' && !isHarmlessValue(value) && !isPlaceholder(value)) {
      return error(`${subject} holds a secret (${describeValue(value)}) as its default; ${advice}`);
    }
    return error(`${subject} takes a secret at build time; ${advice}`);
  }
  if (value === null) {
    const host = setting.host;
    const from = host?.source === undefined ? 'from the shell' : `from ${formatSource(host.source)}`;
    const state = host?.value === undefined ? 'unset here' : `${describeValue(host.value)}, ${from}`;
    return error(`${subject} passes the host's ${name} through (${state})${LEAK[place]}; ${advice}`);
  }
  if (references.length > 0) {
    const variables = variablesOf(place);
    if (value !== '') return error(`${subject} holds a secret (${describeValue(value)})${filledFrom(fillOrigins(references, written, variables))}; ${advice}`);
    const filled = references.map((reference) => describeReference(reference, written, variables)).join(' and ');
    return error(`${subject} is filled from ${filled} ${WHEN[place]}${LEAK[place]}; ${advice}`);
  }
  if (value === '' || isHarmlessValue(value)) return undefined;
  if (isPlaceholder(value)) {
    return warning(`${subject} holds a placeholder (${describeValue(value)}) where a secret goes: the real one would end up ${DESTINATION[place]}; ${advice}`);
  }
  const format = detectCredentials(value).find((match) => match.severity === 'error');
  return error(`${subject} holds a secret${format === undefined ? '' : `: ${format.description}`} (${describeValue(value)}); ${advice}`);
}

/** A name that says its value is where the secret lives: a path is fine, anything else is the secret itself. */
function judgePathNamed(setting: Setting): Verdict | undefined {
  const { value, written } = setting;
  if (value === null || value === undefined || value === '' || looksLikeFilePath(value) || isHarmlessValue(value)) return undefined;
  const origins = fillOrigins(written?.references ?? [], written, variablesOf(setting.place));
  const problem = `${subjectOf(setting)} should hold the path of a secret file, not the secret (${describeValue(value)})${filledFrom(origins)}`;
  const advice = `mount the secret and set ${setting.name}=/run/secrets/${secretId(setting.name)}`;
  return isPlaceholder(value) ? warning(`${problem}; ${advice}`) : error(`${problem}; ${advice}`);
}

/** What any value may carry, whatever its name: a credential, a secret variable, a credential default. */
function judgeValue(setting: Setting): Verdict | undefined {
  const { place, name, value, written } = setting;
  if (value === null || value === undefined) return undefined;
  const subject = subjectOf(setting);
  const advice = adviceFor(place, name);
  const match = mostSevere(detectCredentials(value));
  if (match !== undefined) {
    const origins = fillOrigins(written?.references ?? [], written, variablesOf(place));
    return credentialVerdict(`${subject} holds`, value, match, `${filledFrom(origins)}; ${advice}`);
  }
  const reference = secretReferences(written?.references ?? [])[0];
  if (reference !== undefined) {
    const problem = `${subject} interpolates the secret ${describeReference(reference, written, variablesOf(place))} into its value`;
    return error(`${problem}${LEAK[place]}; ${referenceAdvice(place, reference.name)}`);
  }
  const template = written?.template;
  if (template === undefined) return undefined;
  // The value as it reads when no variable is set: every default written in it, in place.
  const literal = interpolate(template, () => undefined).value;
  const fallback = literal === value ? undefined : mostSevere(detectCredentials(literal));
  if (fallback === undefined) return undefined;
  return credentialVerdict(`${subject} has, in a default written in its value,`, literal, fallback, `; ${advice}`);
}

function commandMatchVerdict(field: string, text: string, match: CommandLineMatch, written: Written | undefined): Verdict {
  const origins = fillOrigins(written?.references ?? [], written, 'compose');
  return credentialVerdict(`${field} puts on the command line`, text, match, `${filledFrom(origins)}; ${COMMAND_ADVICE}`);
}

function credentialVerdict(lead: string, text: string, match: CredentialMatch, rest: string): Verdict {
  const shown = `${match.description} (${describeValue(text.slice(match.start, match.end))})`;
  if (match.severity === 'error') return error(`${lead} a secret: ${shown}${rest}`);
  const what = /-hash$/.test(match.id) ? 'a password hash, crackable offline' : 'a placeholder where a secret goes';
  return warning(`${lead} ${what}: ${shown}${rest}`);
}

function mostSevere<T extends { severity: Severity }>(matches: readonly T[]): T | undefined {
  return matches.find((match) => match.severity === 'error') ?? matches[0];
}

/**
 * Secret-named variables whose value goes into the result: every reference, nested ones
 * included, except the variable of `${V:+alt}`, which only decides whether `alt` is used.
 */
function secretReferences(references: readonly VariableReference[]): VariableReference[] {
  return references.flatMap((reference) => {
    const own = reference.operator.endsWith('+') || !classifyName(reference.name).secret ? [] : [reference];
    return [...own, ...secretReferences(reference.nested)];
  });
}

type Variables = 'compose' | 'build';

function variablesOf(place: Place): Variables {
  return place === 'dockerfile-arg' || place === 'dockerfile-env' ? 'build' : 'compose';
}

/** Where the parts of a value came from: env file lines, the shell, defaults written in place. */
function fillOrigins(references: readonly VariableReference[], written: Written | undefined, variables: Variables): string[] {
  const origins = references.flatMap((reference): string[] => {
    if (reference.fromArgument) {
      const what = reference.operator.endsWith('+') ? 'the alternative' : 'the default';
      return [`${what} written in ${shape(reference)}`, ...fillOrigins(reference.nested, written, variables)];
    }
    if (variables === 'build') return [`the build argument ${reference.name}`];
    if (!reference.isSet) return [];
    const source = written?.sources[reference.name];
    return [source === undefined ? `the shell's ${reference.name}` : formatSource(source)];
  });
  return [...new Set(origins)];
}

function filledFrom(origins: readonly string[]): string {
  return origins.length === 0 ? '' : ` filled from ${origins.join(' and ')}`;
}

/** A reference as written, and what it holds here: never its value. */
function describeReference(reference: VariableReference, written: Written | undefined, variables: Variables): string {
  if (variables === 'build') return `${shape(reference)} (a build argument)`;
  if (reference.fromArgument) return `${shape(reference)} (its default, used here)`;
  if (!reference.isSet) return `${shape(reference)} (unset here)`;
  const source = written?.sources[reference.name];
  const from = source === undefined ? 'from the shell' : `filled from ${formatSource(source)}`;
  return `${shape(reference)} (${reference.replacement === '' ? `empty here, ${from}` : from})`;
}

/** A reference as written, with its argument left out: it may be a secret. */
function shape(reference: VariableReference): string {
  return reference.operator === '' ? `\${${reference.name}}` : `\${${reference.name}${reference.operator}…}`;
}

function formatSource(source: EnvSource): string {
  return `${source.file}:${source.line}`;
}

function subjectOf(setting: Setting): string {
  return `${SUBJECT_PREFIX[setting.place]}${setting.name}`;
}

const SUBJECT_PREFIX: Record<Place, string> = {
  environment: '',
  'env-file': '',
  'build-arg': 'build arg ',
  'dockerfile-arg': 'ARG ',
  'dockerfile-env': 'ENV ',
  label: 'label ',
};

const DESTINATION: Record<Place, string> = {
  environment: "in the container's environment",
  'env-file': "in the container's environment",
  'build-arg': 'in the image history',
  'dockerfile-arg': 'in the image history',
  'dockerfile-env': "in the image and every container's environment",
  label: 'in the labels docker inspect shows',
};

/** What the secret leaks into, where the advice does not already say it. */
const LEAK: Record<Place, string> = {
  environment: `, so the secret ends up ${DESTINATION.environment}`,
  'env-file': `, so the secret ends up ${DESTINATION['env-file']}`,
  'build-arg': '',
  'dockerfile-arg': '',
  'dockerfile-env': '',
  label: '',
};

const WHEN: Record<Place, string> = {
  environment: 'when the container is created',
  'env-file': 'when the container is created',
  'build-arg': 'when the image is built',
  'dockerfile-arg': 'at build time',
  'dockerfile-env': 'at build time',
  label: 'when the container is created',
};

const COMMAND_ADVICE = 'command lines are shown by docker inspect and ps: have the program read the secret from a file under /run/secrets';

/** What to do instead, for a secret held under `name`. */
function adviceFor(place: Place, name: string): string {
  const id = secretId(name);
  switch (place) {
    case 'environment':
    case 'env-file':
      return `mount it as a secret and pass ${name}_FILE=/run/secrets/${id}`;
    case 'build-arg':
      return `build args persist in the image history: use build.secrets (RUN --mount=type=secret,id=${id})`;
    case 'dockerfile-arg':
      return `build arguments persist in the image history: use a secret mount (RUN --mount=type=secret,id=${id}) and build.secrets`;
    case 'dockerfile-env':
      return `ENV persists in the image and in every container's environment: mount the secret at run time (/run/secrets/${id}) instead`;
    case 'label':
      return 'labels are shown by docker inspect to anyone who can list containers: keep the secret in a file under /run/secrets';
  }
}

/** What to do instead, for a secret variable interpolated into another value. */
function referenceAdvice(place: Place, reference: string): string {
  if (place !== 'environment' && place !== 'env-file') return adviceFor(place, reference);
  return `mount ${reference} as a secret and have the app read it from /run/secrets/${secretId(reference)}`;
}

/** The name of the secret a variable would read from: DB_PASSWORD and DB_PASSWORD_FILE both give db_password. */
export function secretId(name: string): string {
  const id = name
    .replace(/[^A-Za-z0-9]+(?:file|files|path|dir|directory|folder)$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return id === '' ? 'secret' : id;
}

function error(message: string): Verdict {
  return { severity: 'error', message };
}

function warning(message: string): Verdict {
  return { severity: 'warning', message };
}

/**
 * How a compose string-map entry was written, from its origin. A list item's template is the
 * whole `NAME=value`: only the value part is kept.
 */
export function writtenIn(origin: ComposeOrigin | undefined): Written | undefined {
  if (origin?.references === undefined) return undefined;
  const template = origin.template;
  const listItem = origin.key !== undefined && origin.key.line === origin.value.line && origin.key.column === origin.value.column;
  return {
    ...(template === undefined ? {} : { template: listItem ? template.slice(template.indexOf('=') + 1) : template }),
    references: origin.references,
    sources: origin.envSources ?? {},
  };
}

/** A compose string-map entry (environment, build args) as a setting to judge. */
export function composeSetting(projectEnv: InterpolationEnvironment, place: Place, name: string, value: string | null, origin: ComposeOrigin | undefined): Setting {
  const written = writtenIn(origin);
  const source = projectEnv.sourceOf(name);
  return {
    place,
    name,
    value,
    ...(written === undefined ? {} : { written }),
    ...(value === null ? { host: { value: projectEnv.lookup(name), ...(source === undefined ? {} : { source }) } } : {}),
  };
}
