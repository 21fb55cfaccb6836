/**
 * The loading pipeline of `planes check`: the effective configuration of a compose project as
 * Docker Compose computes it, with the origin of every entry kept in the origins table.
 *
 * Stages, each its own module, in compose-go's order:
 * discover the files → read the project environment (shell over `.env`) → for each file and
 * each YAML document in it: parse with positions → interpolate → normalize the forms →
 * include → extends → merge over the files before it. Then complete the builds and read every
 * `env_file` a service names.
 *
 * Input Compose would refuse outright (invalid YAML, a missing `-f` file, an `extends` cycle)
 * throws `InputError`/`UsageError`. What the checker can report as a finding and go on
 * (a missing `env_file`, an interpolation error) is a `LoadProblem`.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError, UsageError, type SourcePosition } from '../errors.js';
import { isFile, pathDisplay, readTextFile } from '../fs/index.js';
import { carry, copyNode, isMapping, parseYaml, type YamlMapping } from '../yaml/index.js';
import { showValue } from '../redact/index.js';
import { discoverComposeFiles } from './discover.js';
import { parseDotenv, type DotenvEntry } from './dotenv.js';
import { parseRawEnvFile } from './raw-env-file.js';
import { ProjectEnvironment, type EnvFile } from './environment.js';
import { applyExtends, type ExtendsReference } from './extends.js';
import { applyInclude, type IncludedProject } from './include.js';
import { interpolationMessage, type Lookup } from './interpolate.js';
import { interpolateDocument } from './interpolate-model.js';
import { mergeModels } from './merge.js';
import type { ComposeDocument, ComposeModel, ComposeProject, ComposeService, EarlierVariable, EnvFileRead, EnvFileReference, LoadOptions, LoadProblem } from './model.js';
import { consistencyProblems } from './consistency.js';
import { completeBuild, Normalizer } from './normalize.js';
import { validateComposeSchema } from './schema.js';
import { wellFormedPart } from './validate.js';





export function loadComposeProject(options: LoadOptions): ComposeProject {
  const cwd = resolve(options.cwd);
  const display = pathDisplay(cwd);
  const projectDirectory = options.projectDirectory === undefined ? undefined : resolve(cwd, options.projectDirectory);
  const firstFile = options.files?.[0];
  const envDirectory = projectDirectory ?? (firstFile === undefined ? cwd : dirname(resolve(cwd, firstFile)));
  const envFile = (path: string): EnvFile => ({ path, display: display(path) });

  const projectEnv = ProjectEnvironment.of(options.environment).withEnvFiles(projectEnvFiles(options.envFiles, cwd, envDirectory).map(envFile));
  const files = discoverComposeFiles({ files: options.files, searchFrom: projectDirectory ?? cwd, cwd, lookup: projectEnv.lookup });
  const workingDir = projectDirectory ?? dirname(files[0] as string);

  const problems: LoadProblem[] = [];
  const loader = new ProjectLoader(display, envFile, problems);
  const merged = loader.load({ files, projectDirectory: workingDir, environment: projectEnv, chain: [files[0] as string] });
  if (loader.documents.every((document) => Object.keys(document.data).length === 0)) problems.push(emptyProject(files.map(display)));
  const model = completeBuilds(merged, workingDir);
  problems.push(...consistencyProblems(model));
  const serviceEnvSources = new Map<string, string>();
  const { reads, byService } = readServiceEnvFiles(model, projectEnv, display, problems, serviceEnvSources);
  const sources = new Map([...projectEnv.sources, ...loader.sources, ...serviceEnvSources]);
  return {
    name: projectName(model, projectEnv, workingDir),
    workingDir,
    files: [...sources.keys()],
    sources,
    model,
    documents: loader.documents,
    envFileReads: reads,
    serviceEnvFiles: byService,
    projectEnv,
    problems,
  };
}

/** Compose refuses a project whose files hold nothing (no document, or only `{}`): "empty compose file". */
function emptyProject(files: string[]): LoadProblem {
  const which = files.length === 1 ? 'the compose file is empty' : `the compose files (${files.join(', ')}) are all empty`;
  return { file: files[0] as string, line: 1, column: 1, message: `${which}, and Compose refuses a project with nothing in it ("empty compose file"): define its services` };
}

function projectEnvFiles(envFiles: string[] | undefined, cwd: string, envDirectory: string): string[] {
  if (envFiles !== undefined && envFiles.length > 0) {
    return envFiles.map((file) => {
      const path = resolve(cwd, file);
      if (!existsSync(path)) throw new UsageError(`env file ${file} not found`);
      return path;
    });
  }
  const dotenv = join(envDirectory, '.env');
  return isFile(dotenv) ? [dotenv] : [];
}

/** Reads compose files into merged models, for the project and for each project it includes. */
class ProjectLoader {
  /** The text of every compose file read, by its name as displayed. */
  readonly sources = new Map<string, string>();
  readonly documents: ComposeDocument[] = [];
  private readonly extendedFiles = new WeakMap<ProjectEnvironment, Map<string, Record<string, ComposeService>>>();

  constructor(
    private readonly display: (path: string) => string,
    private readonly envFile: (path: string) => EnvFile,
    private readonly problems: LoadProblem[],
  ) {}

  /** `reference`: for an included project, the include entry that names it. */
  load(project: IncludedProject, reference?: SourcePosition): ComposeModel {
    let model: ComposeModel = { services: {} };
    for (const [position, file] of project.files.entries()) {
      const display = this.display(file);
      // Checked before reading, so that the message names the file as the include entry may show it.
      if (reference !== undefined && !isFile(file)) {
        throw new InputError(reference, `the compose file ${project.shown?.[position] ?? display} that this include names does not exist or is not a regular file: create it, or correct the path`);
      }
      const normalizer = new Normalizer(project.projectDirectory, this.problems);
      for (const document of this.interpolatedDocuments(file, project.environment)) {
        const schemaProblems = validateComposeSchema(document);
        this.documents.push({ file: display, data: document, schemaProblems });
        const included = applyInclude(normalizer.document(wellFormedPart(document, schemaProblems)), {
          environment: project.environment,
          chain: project.chain,
          load: (includedProject, includeEntry) => this.load(includedProject, includeEntry),
          envFile: this.envFile,
          display: this.display,
          note: (position, message) => this.problems.push({ ...position, message, severity: 'note' }),
        });
        const extended = applyExtends(included, display, {
          servicesOf: (path, reference) => this.servicesOf(path, project.environment, reference),
        });
        model = mergeModels(model, extended);
      }
    }
    return model;
  }

  /** Each YAML document of a compose file, interpolated. */
  private interpolatedDocuments(file: string, environment: ProjectEnvironment): YamlMapping[] {
    const display = this.display(file);
    const text = readTextFile(file, display);
    this.sources.set(display, text);
    return parseYaml(text, display).map((document) => {
      if (document === null) {
        throw new InputError(
          { file: display, line: 1, column: 1 },
          'a document of this file is empty (a --- with nothing after it, or only null), and Compose refuses a document that is not a mapping: remove that ---, or fill the document',
        );
      }
      if (!isMapping(document)) {
        throw new InputError({ file: display, line: 1, column: 1 }, 'a compose file must be a mapping (services:, networks:, …) at its top level');
      }
      interpolateDocument(document, environment, this.problems);
      return document;
    });
  }

  /** The services of a file named by `extends.file`: its relative paths are its own directory's. */
  private servicesOf(path: string, environment: ProjectEnvironment, reference: ExtendsReference): Record<string, ComposeService> {
    let byPath = this.extendedFiles.get(environment);
    if (byPath === undefined) {
      byPath = new Map();
      this.extendedFiles.set(environment, byPath);
    }
    const known = byPath.get(path);
    if (known !== undefined) return known;
    if (!isFile(path)) throw new InputError(reference.position, `the file ${showValue(this.display(path), reference.filledBy)} that extends names does not exist`);
    const normalizer = new Normalizer(dirname(path), this.problems);
    const services = this.interpolatedDocuments(path, environment)
      .map((document) => normalizer.document(wellFormedPart(document, validateComposeSchema(document))))
      .reduce(mergeModels, { services: {} }).services;
    byPath.set(path, services);
    return services;
  }
}

/** Builds with their Dockerfile resolved: `<context>/Dockerfile` unless another is named or inlined. */
function completeBuilds(model: ComposeModel, projectDirectory: string): ComposeModel {
  const services = copyNode(model.services);
  for (const [name, service] of Object.entries(model.services)) carry(model.services, name, services, name, completeBuild(service, projectDirectory));
  const completed = copyNode(model);
  carry(model, 'services', completed, 'services', services);
  return completed;
}



const ENV_FILE_FORMATS: Record<string, (text: string, file: string, lookup: Lookup) => DotenvEntry[]> = {
  // No `format:`: Compose's own .env syntax.
  '': (text, file, lookup) => parseDotenv(text, file, lookup),
  raw: parseRawEnvFile,
};

/**
 * Reads the env files of every service as Compose does: in order, each interpolated with what
 * the service's earlier env files set, then the project environment. A file is read again only
 * when what came before it differs; a missing or unreadable one is one problem at its entry.
 */
function readServiceEnvFiles(
  model: ComposeModel,
  environment: ProjectEnvironment,
  display: (path: string) => string,
  problems: LoadProblem[],
  sources: Map<string, string>,
): { reads: EnvFileRead[]; byService: Map<string, EnvFileRead[]> } {
  const reads = new Map<string, EnvFileRead>();
  const failed = new Set<string>();
  const reported = new Set<string>();
  const report = (problem: LoadProblem): void => {
    const key = `${problem.file}:${problem.line}:${problem.column}:${problem.message}`;
    if (reported.has(key)) return;
    reported.add(key);
    problems.push(problem);
  };
  const byService = new Map<string, EnvFileRead[]>();
  for (const [name, service] of Object.entries(model.services)) {
    const before = new Map<string, EarlierVariable>();
    const lookup: Lookup = (variable) => before.get(variable)?.value ?? environment.lookup(variable);
    const own: EnvFileRead[] = [];
    // What decides a reading: the file, its format and the files (and formats) read before it.
    let readingKey = '';
    for (const reference of service.env_file ?? []) {
      if (failed.has(reference.path)) continue;
      readingKey += `\0${reference.format ?? ''}\0${reference.path}`;
      let read = reads.get(readingKey);
      if (read === undefined) {
        const entries = readEnvFile(reference, lookup, display, report, sources);
        if (entries === undefined) {
          failed.add(reference.path);
          continue;
        }
        read = { path: reference.path, entries, before: new Map(before), readers: [] };
        reads.set(readingKey, read);
      }
      // The reading key grows with each file, so a service meets a reading at most once.
      read.readers.push(name);
      own.push(read);
      const file = display(reference.path);
      for (const entry of read.entries) {
        if (entry.value !== undefined) before.set(entry.key, { value: entry.value, source: { file, line: entry.line } });
      }
    }
    byService.set(name, own);
  }
  return { reads: [...reads.values()], byService };
}

function readEnvFile(
  reference: EnvFileReference,
  lookup: Lookup,
  display: (path: string) => string,
  report: (problem: LoadProblem) => void,
  sources: Map<string, string>,
): DotenvEntry[] | undefined {
  const shown = display(reference.path);
  const parse = ENV_FILE_FORMATS[reference.format ?? ''];
  if (parse === undefined) {
    report({ ...reference.origin, message: `env file format "${showValue(reference.format ?? '', reference.filledBy)}" is not one Compose reads: write format: raw, or leave format out for the .env syntax` });
    return undefined;
  }
  if (!existsSync(reference.path)) {
    if (reference.required) {
      report({ ...reference.origin, message: `env file ${showValue(shown, reference.filledBy)} not found: create it, or mark the entry required: false` });
    }
    return undefined;
  }
  try {
    const text = sources.get(shown) ?? readTextFile(reference.path, shown);
    const entries = parse(text, shown, lookup);
    sources.set(shown, text);
    for (const entry of entries) {
      for (const error of entry.errors) report({ file: shown, line: entry.valueLine, column: entry.valueColumn, message: interpolationMessage(error, `the value of ${entry.key}`) });
    }
    return entries;
  } catch (error) {
    if (error instanceof InputError) report({ ...error.position, message: error.problem });
    else if (error instanceof UsageError) report({ ...reference.origin, message: error.message });
    else throw error;
    return undefined;
  }
}

/** The `name:` of the model, else COMPOSE_PROJECT_NAME, else the directory's name, as Compose normalizes it. */
function projectName(model: ComposeModel, environment: ProjectEnvironment, workingDir: string): string {
  const named = typeof model['name'] === 'string' && model['name'] !== '' ? model['name'] : environment.lookup('COMPOSE_PROJECT_NAME');
  const name = named !== undefined && named !== '' ? named : basename(workingDir);
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[_-]+/, '');
}
