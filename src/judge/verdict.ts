/**
 * What the secret judgement takes and what it returns. A verdict is a set of facts — what was
 * found, how bad it is, why, and the value only in redacted form — never prose: message.ts
 * renders the message from it, so a consumer (check, migrate, audit) reads the facts it needs
 * instead of parsing a sentence.
 */
import type { EnvSource, VariableReference } from '../compose/index.js';
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

export interface CommandLine {
  /** As messages name it: `command`, `entrypoint`, `healthcheck.test`. */
  field: string;
  value: string | readonly string[];
  /** How each list element (the string, for the string form) was written, by index. */
  written: ReadonlyArray<Written | undefined>;
}

/** Where a known secret's value is written in a text, and the name of that secret. */
export interface KnownSecretMatch {
  secret: string;
  start: number;
  /** Exclusive. */
  end: number;
}

/** What a judge may know besides the setting itself. */
export interface JudgeOptions {
  /**
   * The name of the secret whose value this is, when it equals one the caller knows (audit
   * knows the stack's); values stay with the caller, which may compare hashes.
   */
  knownSecret?: (value: string) => string | undefined;
  /**
   * A secret the caller knows written anywhere in a value or a command line (check knows the
   * project's: see KnownSecretValues).
   */
  findKnownSecret?: (text: string) => KnownSecretMatch | undefined;
}

/** Which part of a config a verdict is about, and so where its finding points. */
export type ConfigPart = VariablePart | TextPart;
/** A config made from a variable: `environment: NAME` in its definition. */
export type VariablePart = { from: 'variable'; variable: string };
/** A config's `content`, or the file it is read from (as findings name it). */
export type TextPart = { from: 'content' } | { from: 'file'; file: string };

/** What a credential match is: the secret itself, a crackable hash of one, or a placeholder shaped like one. */
export type CredentialNature = 'secret' | 'password-hash' | 'placeholder';

/** Where part of a value came from. */
export type FillOrigin =
  /** A default (`${V:-…}`) or an alternative (`${V:+…}`) written in the value itself. */
  | { from: 'default' | 'alternative'; variable: string; operator: VariableReference['operator'] }
  /** A Dockerfile's `$V`: a build argument, only known at build time. */
  | { from: 'build-argument'; variable: string }
  | { from: 'shell'; variable: string }
  | { from: 'env-file'; source: EnvSource };

/** A variable reference as written (never its argument, which may be a secret) and what fills it here. */
export interface ReferenceFact {
  variable: string;
  operator: VariableReference['operator'];
  filled:
    | { by: 'build-argument' }
    | { by: 'its-default' }
    | { by: 'nothing' }
    /** An empty value still counts: whatever sets it at deploy time fills the slot. */
    | { by: 'shell'; empty: boolean }
    | { by: 'env-file'; empty: boolean; source: EnvSource };
}

/** What every verdict says. */
interface Judged<Kind extends string> {
  kind: Kind;
  severity: Severity;
  /** Why, in a few words and never a value: the name rule's reason (the setting's, or the referenced variable's), the credential format's description, or the known secret it equals. */
  reason: string;
  /** The value, or the part of it that is the secret, as describeValue shows it; absent when no value is known here. */
  evidence?: string;
}

/** For the kinds that always show a value. */
interface Evidenced {
  evidence: string;
}

/** What the name rule says of a setting's name, when it says it is a secret or the file of one. */
export interface NameRule {
  says: 'secret' | 'secret-file';
  reason: string;
}

interface SettingFacts {
  place: Place;
  name: string;
  /** Absent for names that say nothing (a label's name says a secret only by a secret word: com.example.db.password). */
  nameRule?: NameRule;
  /** The description of every credential format (errors only) in the value the setting gives, in order. */
  credentialFormats: readonly string[];
}

export type SettingVerdict = SettingFacts &
  (
    /** A secret-named variable holding a literal; the first of credentialFormats names its format. */
    | (Judged<'secret-named-literal'> & Evidenced)
    /** A secret-named Dockerfile ARG whose default is a secret. */
    | (Judged<'secret-named-arg-default'> & Evidenced)
    /** A secret-named ARG, filled when the image is built; evidence: its default (a placeholder, a flag) when it has one. */
    | Judged<'build-time-slot'>
    /** A bare secret-named `NAME`: whatever the host has under that name, set here (from the shell or an env file line) or not. */
    | (Judged<'passed-through-from-host'> & { host: 'unset' })
    | (Judged<'passed-through-from-host'> & Evidenced & { host: 'shell' | EnvSource })
    /** A secret-named variable filled by `${…}`; without evidence, it is empty here and filled at deploy time. */
    | (Judged<'filled-by-interpolation'> & { filledFrom: readonly FillOrigin[]; references: readonly [ReferenceFact, ...ReferenceFact[]] })
    | (Judged<'placeholder-in-secret-slot'> & Evidenced)
    /** A `*_FILE` variable holding the secret instead of its path. */
    | (Judged<'secret-in-file-variable'> & Evidenced & { filledFrom: readonly FillOrigin[] })
    | (Judged<'credential-format'> & Evidenced & { nature: CredentialNature; filledFrom: readonly FillOrigin[] })
    /** A credential in a default written in the value, whether or not the default is used here. */
    | (Judged<'credential-in-default'> & Evidenced & { nature: CredentialNature })
    | (Judged<'secret-variable-interpolated'> & { reference: ReferenceFact })
    | (Judged<'known-secret-value'> & Evidenced & { secret: string })
  );

interface CommandFacts {
  field: string;
  /** The list element holding the secret; null for the string form. */
  argument: number | null;
}

export type CommandVerdict = CommandFacts &
  (
    /** A password option's value or a credential format, on the command line as written. */
    | (Judged<'password-on-command-line'> & Evidenced & { nature: CredentialNature; filledFrom: readonly FillOrigin[] })
    /** A secret-named variable Compose interpolates into the command line. */
    | (Judged<'secret-variable-on-command-line'> & { reference: ReferenceFact })
  );

/** A credential in a config; offset: where it starts in the part's text, to locate the finding. */
export type ConfigCredentialVerdict = Judged<'credential-in-config'> & Evidenced & { config: string; part: ConfigPart; offset: number };

export type ConfigVerdict = (Judged<'config-from-secret-variable'> & { config: string; part: VariablePart }) | ConfigCredentialVerdict;

export type Verdict = SettingVerdict | CommandVerdict | ConfigVerdict;
export type VerdictKind = Verdict['kind'];
