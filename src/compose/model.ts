/**
 * The compose model as the loader hands it on: the effective configuration in normal form
 * (see normalize.ts), what was read to make it, and where each entry was written.
 */
import type { SourcePosition } from '../errors.js';
import type { Origin, YamlMapping } from '../yaml/index.js';
import type { DotenvEntry } from './dotenv.js';
import type { EnvSource, ProjectEnvironment } from './environment.js';
import type { VariableReference } from './interpolate.js';
import type { SchemaProblem } from './schema.js';

export interface ComposeModel {
  services: Record<string, ComposeService>;
  [key: string]: unknown;
}

export interface ComposeService {
  environment?: Record<string, string | null>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  env_file?: EnvFileReference[];
  build?: ServiceBuild;
  command?: string | string[] | null;
  entrypoint?: string | string[] | null;
  healthcheck?: { test?: string | string[]; [key: string]: unknown };
  secrets?: MountedResource[];
  configs?: MountedResource[];
  extends?: { service: string; file?: string };
  [key: string]: unknown;
}

export interface ServiceBuild {
  /** Absolute, unless it is a URL (a Git repository, a remote tarball). Set once files are merged. */
  context: string;
  /** As written until files are merged; then absolute (`<context>/Dockerfile` by default), unless inlined or remote. */
  dockerfile?: string;
  args?: Record<string, string | null>;
  labels?: Record<string, string>;
  secrets?: MountedResource[];
  [key: string]: unknown;
}

export interface EnvFileReference {
  /** Absolute. */
  path: string;
  required: boolean;
  format?: string;
  /** Where the path was written. */
  origin: SourcePosition;
  /** The variables interpolation filled the path or format from, for messages (shownEntry); absent when none. */
  filledBy?: string[];
}

export interface MountedResource {
  source: string;
  target?: string;
  [key: string]: unknown;
}

export interface LoadOptions {
  /** `-f`, repeatable, relative to `cwd`. */
  files?: string[];
  /** `--project-directory`, relative to `cwd`. */
  projectDirectory?: string;
  /** `--env-file`, repeatable, relative to `cwd`; by default the project directory's `.env`, if any. */
  envFiles?: string[];
  /** The shell environment. */
  environment: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** Something wrong that the checker reports as a finding, without refusing the project. */
export interface LoadProblem extends SourcePosition {
  message: string;
  /** A note says what planes did where Compose versions differ; a problem without one is an error. */
  severity?: 'note';
}

/** A YAML document of a compose file as Compose validates it: interpolated, not yet merged. */
export interface ComposeDocument {
  /** As findings name it. */
  file: string;
  /** Interpolated, before merging: what Compose validates. */
  data: YamlMapping;
  schemaProblems: SchemaProblem[];
}

export interface ComposeProject {
  name: string;
  /** The project directory, absolute. */
  workingDir: string;
  /** Every file read (compose files, env files), relative to `cwd` as findings name them. */
  files: string[];
  /** The text of every file in `files`, by that name: for suppression comments and code frames. */
  sources: ReadonlyMap<string, string>;
  /** The effective configuration, in the normal form of `normalize.ts`; look positions up with `originOf`. */
  model: ComposeModel;
  /** Every document of the project's compose files (included ones too, not those only extended), in load order. */
  documents: ComposeDocument[];
  /** Every distinct reading of an env file: Compose reads one per service, after that service's earlier env files. */
  envFileReads: EnvFileRead[];
  /** Each service's env files as Compose reads them for it, in order; a missing optional one is left out. */
  serviceEnvFiles: Map<string, EnvFileRead[]>;
  /** The interpolation environment: `lookup`, `sourceOf(name)` and the `.env` statements. */
  projectEnv: ProjectEnvironment;
  problems: LoadProblem[];
}

/** A variable an earlier env file of the same service set. */
export interface EarlierVariable {
  value: string;
  /** The line that set it. */
  source: EnvSource;
}

export interface EnvFileRead {
  /** Absolute. */
  path: string;
  entries: DotenvEntry[];
  /** What the env files read before this one set: Compose looks there first when it interpolates. */
  before: ReadonlyMap<string, EarlierVariable>;
  /** The services that read the file so. */
  readers: string[];
}

/** Where an entry was written, and, for an interpolated string, how it was written. */
export interface ComposeOrigin extends Origin {
  /** The string as written, before interpolation; present when interpolation had work to do. */
  template?: string;
  /** The variables the template referred to, with what each one produced. */
  references?: VariableReference[];
  /** For each referenced variable whose value came from an env file (`.env`), that line. */
  envSources?: Record<string, EnvSource>;
}
