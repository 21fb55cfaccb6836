import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathDisplay, readTextFile } from '../fs/index.js';
import { type ComposeProject, filledByOf, loadComposeProject, originOf } from '../compose/index.js';
import { showValue } from '../redact/index.js';
import { type DockerfileInstruction, parseDockerfile } from '../dockerfile/index.js';
import { InputError } from '../errors.js';
import { projectSecrets } from './known-secrets.js';
import type { BuildDockerfile, CheckContext, ProjectManifest, RuleFinding } from './rule.js';

/** One compose project to check: the files `docker compose -f …` (or `docker stack deploy -c …`) would read. */
export interface CheckTarget {
  /** Relative to cwd; none: Compose's own discovery. */
  files?: string[];
  /** The files are a Swarm stack file. */
  swarm: boolean;
}

export interface ContextOptions {
  cwd: string;
  environment: Readonly<Record<string, string | undefined>>;
  projectDirectory?: string;
  envFiles?: string[];
  manifest?: ProjectManifest;
}

/** Loads one target and everything its rules look at; what cannot be read becomes a finding. */
export function buildContext(target: CheckTarget, options: ContextOptions): { context: CheckContext; problems: RuleFinding[] } {
  const cwd = resolve(options.cwd);
  const display = pathDisplay(cwd);
  const project = loadComposeProject({
    cwd,
    environment: options.environment,
    ...(target.files ? { files: target.files } : {}),
    ...(options.projectDirectory ? { projectDirectory: options.projectDirectory } : {}),
    ...(options.envFiles ? { envFiles: options.envFiles } : {}),
  });
  const problems: RuleFinding[] = project.problems.map(({ file, line, column, message, severity }) => ({ file, line, column, service: null, key: null, path: null, message, ...(severity === undefined ? {} : { severity }) }));
  const { dockerfiles, problems: dockerfileProblems } = readDockerfiles(project, display);
  const known = projectSecrets(project, display);
  const context: CheckContext = {
    project,
    cwd,
    display,
    dockerfiles,
    stackFiles: new Set(target.swarm ? project.files.filter((file) => /\.ya?ml$/.test(file)) : []),
    ...(options.manifest ? { manifest: options.manifest } : {}),
    judgeOptions: known.size === 0 ? {} : { findKnownSecret: (text) => known.find(text) },
  };
  return { context, problems: [...problems, ...dockerfileProblems] };
}

function readDockerfiles(project: ComposeProject, display: (path: string) => string): { dockerfiles: BuildDockerfile[]; problems: RuleFinding[] } {
  const dockerfiles: BuildDockerfile[] = [];
  const problems: RuleFinding[] = [];
  // Services often share a Dockerfile, and generated services often have Dockerfiles of the
  // same text: each file is read once, each text parsed once.
  const read = new Map<string, ReadDockerfile>();
  const parsedTexts = new Map<string, DockerfileInstruction[]>();
  for (const [service, definition] of Object.entries(project.model.services)) {
    const path = definition.build?.dockerfile;
    if (path === undefined || !path.startsWith('/')) continue;
    const file = display(path);
    let dockerfile = read.get(path);
    if (dockerfile === undefined) {
      dockerfile = readOrProblem(path, file, parsedTexts);
      read.set(path, dockerfile);
    }
    if (dockerfile === MISSING) {
      const origin = originOf(definition, 'build');
      const at = origin?.key ?? origin?.value ?? { file: project.files[0] ?? file, line: 1, column: 1 };
      // The context or the Dockerfile may be filled in from a variable: either one makes the path.
      const written = [originOf(definition.build ?? {}, 'context'), originOf(definition.build ?? {}, 'dockerfile')];
      const shown = showValue(file, written.flatMap(filledByOf));
      problems.push({ ...at, service, key: null, path: `services.${service}.build`, message: `the build of ${service} has no Dockerfile at ${shown}: create it or name another with build.dockerfile` });
    } else if (dockerfile instanceof InputError) {
      problems.push({ ...dockerfile.position, service, key: null, path: null, message: dockerfile.problem });
    } else {
      dockerfiles.push({ service, ...dockerfile });
    }
  }
  return { dockerfiles, problems };
}

const MISSING = Symbol('no Dockerfile there');

type ReadDockerfile = Omit<BuildDockerfile, 'service'> | InputError | typeof MISSING;

function readOrProblem(path: string, file: string, parsedTexts: Map<string, DockerfileInstruction[]>): ReadDockerfile {
  try {
    const text = readTextFile(path, file);
    let instructions = parsedTexts.get(text);
    if (instructions === undefined) {
      instructions = parseDockerfile(text, file);
      parsedTexts.set(text, instructions);
    }
    return { file, text, instructions };
  } catch (error) {
    // Asked only when the read fails, so that a Dockerfile that is there costs no extra look-up.
    if (!existsSync(path)) return MISSING;
    if (error instanceof InputError) return error;
    throw error;
  }
}
