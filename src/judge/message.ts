/**
 * Messages rendered from verdicts: `<headline><details>; <advice>`. The headline says what was
 * found (`DB_PASSWORD holds a secret`), the details how and where from, the advice what to do
 * instead. Messages name variables and files, never a value: a value appears only as the
 * verdict's evidence, which describeValue already redacted.
 */
import type { EnvSource } from '../compose/index.js';
import type { CommandVerdict, ConfigVerdict, CredentialNature, FillOrigin, Place, ReferenceFact, SettingVerdict, Verdict } from './verdict.js';

interface Rendered {
  headline: string;
  details: string;
  advice: string;
}

export function verdictMessage(verdict: Verdict): string {
  const { headline, details, advice } = render(verdict);
  return `${headline}${details}; ${advice}`;
}

/** The message without its advice, for a caller that gives its own. */
export function verdictProblem(verdict: Verdict): string {
  const { headline, details } = render(verdict);
  return `${headline}${details}`;
}

/** `<subject> <what was found>`, e.g. `build arg NPM_TOKEN holds a secret`: the message's first words. */
export function verdictHeadline(verdict: Verdict): string {
  return render(verdict).headline;
}

function render(verdict: Verdict): Rendered {
  if ('place' in verdict) return renderSetting(verdict);
  if ('field' in verdict) return renderCommand(verdict);
  return renderConfig(verdict);
}

function renderSetting(verdict: SettingVerdict): Rendered {
  const { place, name } = verdict;
  const subject = `${SUBJECT_PREFIX[place]}${name}`;
  const advice = adviceFor(place, name);
  switch (verdict.kind) {
    case 'secret-named-literal': {
      // The format, when the value has one, tells the user which credential to revoke.
      const [format] = verdict.credentialFormats;
      return { headline: `${subject} holds a secret`, details: `${format === undefined ? '' : `: ${format}`}${shown(verdict.evidence)}`, advice };
    }
    case 'secret-named-arg-default':
      return { headline: `${subject} holds a secret`, details: `${shown(verdict.evidence)} as its default`, advice };
    case 'build-time-slot':
      return { headline: `${subject} takes a secret at build time`, details: '', advice };
    case 'passed-through-from-host': {
      const state = verdict.host === 'unset' ? 'unset here' : `${verdict.evidence}, from ${verdict.host === 'shell' ? 'the shell' : formatSource(verdict.host)}`;
      return { headline: `${subject} passes the host's ${name} through`, details: ` (${state})${LEAK[place]}`, advice };
    }
    case 'filled-by-interpolation': {
      if (verdict.evidence !== undefined) return { headline: `${subject} holds a secret`, details: `${shown(verdict.evidence)}${filledFrom(verdict.filledFrom)}`, advice };
      const [first, ...others] = verdict.references;
      const rest = others.map((reference) => ` and ${shape(reference)}${referenceState(reference)}`).join('');
      return { headline: `${subject} is filled from ${shape(first)}`, details: `${referenceState(first)}${rest} ${WHEN[place]}${LEAK[place]}`, advice };
    }
    case 'placeholder-in-secret-slot':
      return { headline: `${subject} holds a placeholder`, details: `${shown(verdict.evidence)} where a secret goes: the real one would end up ${DESTINATION[place]}`, advice };
    case 'secret-in-file-variable':
      return {
        headline: `${subject} should hold the path of a secret file, not the secret`,
        details: `${shown(verdict.evidence)}${filledFrom(verdict.filledFrom)}`,
        advice: `mount the secret and set ${name}=/run/secrets/${secretId(name)}`,
      };
    case 'credential-format':
      return { headline: `${subject} holds ${NATURE[verdict.nature]}`, details: `: ${verdict.reason}${shown(verdict.evidence)}${filledFrom(verdict.filledFrom)}`, advice };
    case 'credential-in-default':
      return { headline: `${subject} has, in a default written in its value, ${NATURE[verdict.nature]}`, details: `: ${verdict.reason}${shown(verdict.evidence)}`, advice };
    case 'secret-variable-interpolated': {
      const { reference } = verdict;
      return {
        headline: `${subject} interpolates the secret ${shape(reference)}`,
        details: `${referenceState(reference)} into its value${LEAK[place]}`,
        advice: referenceAdvice(place, reference.variable),
      };
    }
    case 'known-secret-value':
      return { headline: `${subject} holds the value of the secret ${verdict.secret}`, details: shown(verdict.evidence), advice };
  }
}

function renderCommand(verdict: CommandVerdict): Rendered {
  switch (verdict.kind) {
    case 'password-on-command-line':
      return {
        headline: `${verdict.field} puts on the command line ${NATURE[verdict.nature]}`,
        details: `: ${verdict.reason}${shown(verdict.evidence)}${filledFrom(verdict.filledFrom)}`,
        advice: COMMAND_ADVICE,
      };
    case 'secret-variable-on-command-line': {
      const { reference } = verdict;
      return {
        headline: `${verdict.field} interpolates the secret ${shape(reference)}`,
        details: `${referenceState(reference)} into the command line`,
        advice: `${COMMAND_ADVICE}, e.g. $$(cat /run/secrets/${secretId(reference.variable)})`,
      };
    }
  }
}

function renderConfig(verdict: ConfigVerdict): Rendered {
  const { config } = verdict;
  if (verdict.kind === 'config-from-secret-variable') {
    return { headline: `config ${config} is made from ${verdict.part.variable}, a secret`, details: '', advice: CONFIG_ADVICE };
  }
  const { part } = verdict;
  const details = `: ${verdict.reason}${shown(verdict.evidence)}`;
  switch (part.from) {
    case 'variable':
      return { headline: `config ${config} is made from ${part.variable}, which holds a secret`, details, advice: CONFIG_ADVICE };
    case 'content':
      return { headline: `the content of config ${config} holds a secret`, details, advice: CONFIG_ADVICE };
    case 'file':
      return { headline: `${part.file}, the file of config ${config}, holds a secret`, details, advice: CONFIG_ADVICE };
  }
}

/** A redacted value in a message. */
function shown(evidence: string): string {
  return ` (${evidence})`;
}

const NATURE: Record<CredentialNature, string> = {
  secret: 'a secret',
  'password-hash': 'a password hash, crackable offline',
  placeholder: 'a placeholder where a secret goes',
};

function filledFrom(origins: readonly FillOrigin[]): string {
  return origins.length === 0 ? '' : ` filled from ${origins.map(formatOrigin).join(' and ')}`;
}

function formatOrigin(origin: FillOrigin): string {
  switch (origin.from) {
    case 'default':
    case 'alternative':
      return `the ${origin.from} written in ${shape(origin)}`;
    case 'build-argument':
      return `the build argument ${origin.variable}`;
    case 'shell':
      return `the shell's ${origin.variable}`;
    case 'env-file':
      return formatSource(origin.source);
  }
}

/** What a reference holds here, after its shape: never its value. */
function referenceState({ filled }: ReferenceFact): string {
  switch (filled.by) {
    case 'build-argument':
      return ' (a build argument)';
    case 'its-default':
      return ' (its default, used here)';
    case 'nothing':
      return ' (unset here)';
    case 'shell':
    case 'env-file': {
      const from = filled.by === 'shell' ? 'from the shell' : `filled from ${formatSource(filled.source)}`;
      return ` (${filled.empty ? `empty here, ${from}` : from})`;
    }
  }
}

/** A reference as written, with its argument left out: it may be a secret. */
function shape({ variable, operator }: { variable: string; operator: string }): string {
  return operator === '' ? `\${${variable}}` : `\${${variable}${operator}…}`;
}

function formatSource(source: EnvSource): string {
  return `${source.file}:${source.line}`;
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

const CONFIG_ADVICE = 'a config is readable by docker config inspect and by every process of its containers: make it a secret (top-level secrets:, mounted under /run/secrets)';

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
