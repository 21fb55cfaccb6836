/**
 * Top-level `include`: each entry is a compose project of its own (its files merged, its
 * relative paths resolved against its project directory, interpolated with the including
 * project's environment over its own `.env`), whose services, networks, volumes, secrets and
 * configs are added to the including file.
 *
 * A resource defined on both sides is the included definition with the including file's laid
 * over it, by the rules of a multi-file merge (`!reset` and `!override` included), as current
 * Compose does (compose-go v2.10, "Allow importing compose file to override resource
 * definition"). Compose before that (2.26 among them) refused the project unless both
 * definitions were the same ("services.x conflicts with imported resource").
 */
import { existsSync } from 'node:fs';
import equal from 'fast-deep-equal';
import { dirname, join } from 'node:path';
import { InputError, type SourcePosition } from '../errors.js';
import { showValue } from '../redact/index.js';
import { carry, copyNode, isMapping, originOf, remove, type YamlMapping } from '../yaml/index.js';
import type { EnvFile, ProjectEnvironment } from './environment.js';
import { mergeModels } from './merge.js';
import type { ComposeModel } from './model.js';
import { filledByOf } from './shown.js';

export interface IncludedProject {
  /** Absolute; the first is the main file, the others override it. */
  files: string[];
  /** How messages name each of the files: hidden where a secret-named variable filled the path. */
  shown?: string[];
  projectDirectory: string;
  environment: ProjectEnvironment;
  /** The main files of the including projects, outermost first, to refuse include cycles. */
  chain: string[];
}

export interface IncludeContext {
  environment: ProjectEnvironment;
  chain: string[];
  load(project: IncludedProject, reference: SourcePosition): ComposeModel;
  envFile(path: string): EnvFile;
  /** A path as messages name it. */
  display(path: string): string;
  /** Says something about the project that is no error, at a place in it. */
  note(position: SourcePosition, message: string): void;
}

const IMPORTED = ['services', 'volumes', 'networks', 'secrets', 'configs'];

export function applyInclude(model: ComposeModel, context: IncludeContext): ComposeModel {
  const entries = model['include'];
  if (!Array.isArray(entries)) return model;
  const result = copyNode(model);
  remove(result, 'include');
  entries.forEach((entry: YamlMapping, index) => {
    const origin = originOf(entries, index);
    const reference = origin?.value ?? { file: '', line: 1, column: 1 };
    const files = entry['path'] as string[];
    const main = files[0];
    if (main === undefined) return;
    // A path filled from a secret-named variable is shown hidden, wherever it shows in the message.
    const shown = (path: string): string => showValue(context.display(path), path === main ? filledByOf(originOf(files, 0)) : []);
    if (context.chain.includes(main)) {
      throw new InputError(reference, `include cycle: ${[...context.chain, main].map(shown).join(' includes ')}`);
    }
    const projectDirectory = typeof entry['project_directory'] === 'string' ? entry['project_directory'] : dirname(main);
    const imported = context.load(
      {
        files,
        shown: files.map((file, position) => showValue(context.display(file), filledByOf(originOf(files, position)))),
        projectDirectory,
        environment: context.environment.withEnvFiles(envFilesOf(entry, projectDirectory, reference, context)),
        chain: [...context.chain, main],
      },
      reference,
    );
    importResources(imported, model, result, context);
  });
  return result;
}

/** The listed env files, which must exist, or else the included project's `.env` if there is one. */
function envFilesOf(entry: YamlMapping, projectDirectory: string, reference: SourcePosition, context: IncludeContext): EnvFile[] {
  const listed = entry['env_file'];
  if (Array.isArray(listed)) {
    return listed.map((path, index) => {
      if (!existsSync(String(path))) {
        throw new InputError(reference, `the env_file ${showValue(context.display(String(path)), filledByOf(originOf(listed, index)))} of this include does not exist`);
      }
      return context.envFile(String(path));
    });
  }
  const dotenv = join(projectDirectory, '.env');
  return existsSync(dotenv) ? [context.envFile(dotenv)] : [];
}

/** Adds the resources of an included project to `target`, a copy of `model` being built. */
function importResources(imported: ComposeModel, model: ComposeModel, target: ComposeModel, context: IncludeContext): void {
  for (const kind of IMPORTED) {
    const from = imported[kind];
    if (!isMapping(from)) continue;
    const existing = target[kind];
    const into: YamlMapping = isMapping(existing) ? copyNode(existing) : {};
    for (const name of Object.keys(from)) {
      if (!Object.hasOwn(into, name)) {
        carry(from, name, into);
        continue;
      }
      if (!equal(from[name], into[name])) noteNewerCompose(kind, name, from, into, context);
      carry(into, name, into, name, layOver(kind, from, into, name));
    }
    carry(model, kind, target, kind, into);
  }
}

/** Where Compose versions differ, planes reads the project as the newest does, and says so. */
function noteNewerCompose(kind: string, name: string, included: YamlMapping, including: YamlMapping, context: IncludeContext): void {
  const here = originOf(including, name);
  const there = originOf(included, name);
  if (here === undefined) return;
  const file = there === undefined ? 'an included file' : `the included ${there.key?.file ?? there.value.file}`;
  context.note(
    here.key ?? here.value,
    `${kind}.${name} is defined in ${file} and again here: Compose v5 and later lay this definition over the included one, and planes reads the project as they do; Compose before v5 refuses it ("${kind}.${name} conflicts with imported resource"): keep one definition if the project must run on an older Compose`,
  );
}

/** The including file's definition of `kind.name` laid over the included one. */
function layOver(kind: string, included: YamlMapping, including: YamlMapping, name: string): ComposeModel[string] {
  const one = (resources: YamlMapping): ComposeModel => {
    const only: YamlMapping = {};
    carry(resources, name, only);
    return { services: {}, [kind]: only } as ComposeModel;
  };
  const merged = mergeModels(one(included), one(including))[kind] as YamlMapping;
  return merged[name];
}
