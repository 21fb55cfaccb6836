/**
 * The environment a compose project is interpolated with: the shell's variables over those
 * of the project's env files (`.env`, or `--env-file`, later files over earlier ones), as
 * Compose layers them. Every variable remembers the env file line it came from, so a finding
 * on a compose entry can name the `.env` line that filled it in.
 */
import { InputError } from '../errors.js';
import { readTextFile } from '../fs/index.js';
import { parseDotenv, type DotenvEntry } from './dotenv.js';
import { interpolationMessage, type Lookup } from './interpolate.js';

/** The env file line a variable came from. */
export interface EnvSource {
  file: string;
  line: number;
}

/** What interpolation reads: each variable's value, and the env file line that set it. */
export interface InterpolationEnvironment {
  lookup: Lookup;
  sourceOf(name: string): EnvSource | undefined;
}

export interface EnvFile {
  /** Absolute. */
  path: string;
  /** How findings and messages name it. */
  display: string;
}

interface Variable {
  value: string;
  source?: EnvSource;
}

export class ProjectEnvironment implements InterpolationEnvironment {
  private constructor(
    private readonly variables: Map<string, Variable>,
    /** Every statement of the env files read, in the order read. */
    readonly entries: readonly DotenvEntry[],
    /** The text of each env file read, by its name as displayed. */
    readonly sources: ReadonlyMap<string, string>,
  ) {}

  /** The env files read, as displayed. */
  get files(): string[] {
    return [...this.sources.keys()];
  }

  /** The shell's variables alone. */
  static of(shell: Readonly<Record<string, string | undefined>>): ProjectEnvironment {
    const variables = new Map<string, Variable>();
    for (const [name, value] of Object.entries(shell)) if (value !== undefined) variables.set(name, { value });
    return new ProjectEnvironment(variables, [], new Map());
  }

  /**
   * This environment over the variables of `files`: what is set here wins, as the shell wins
   * over `.env` and an including project's environment over an included project's `.env`.
   * The files are read in this environment (`${VAR}` in them sees it first).
   */
  withEnvFiles(files: readonly EnvFile[]): ProjectEnvironment {
    if (files.length === 0) return this;
    const fromFiles = new Map<string, Variable>();
    const entries: DotenvEntry[] = [];
    const sources = new Map(this.sources);
    for (const file of files) {
      const text = readTextFile(file.path, file.display);
      sources.set(file.display, text);
      const parsed = parseDotenv(text, file.display, this.lookup, (name) => fromFiles.get(name)?.value);
      for (const entry of parsed) {
        const error = entry.errors[0];
        if (error !== undefined) throw new InputError({ file: file.display, line: entry.valueLine, column: entry.valueColumn }, interpolationMessage(error, `the value of ${entry.key}`));
        if (entry.value !== undefined) fromFiles.set(entry.key, { value: entry.value, source: { file: file.display, line: entry.line } });
      }
      entries.push(...parsed);
    }
    for (const [name, variable] of this.variables) fromFiles.set(name, variable);
    return new ProjectEnvironment(fromFiles, [...this.entries, ...entries], sources);
  }

  readonly lookup = (name: string): string | undefined => this.variables.get(name)?.value;

  sourceOf(name: string): EnvSource | undefined {
    return this.variables.get(name)?.source;
  }
}
