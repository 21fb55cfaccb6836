/**
 * The process a service's image starts, which planes' wrapper for secrets as variables starts in turn:
 * from the Dockerfile it is built from, else from the table of known images, else from an
 * image already on this machine (the lookup never pulls one).
 */
import { existsSync } from 'node:fs';
import { readTextFile } from '../fs/index.js';
import type { ComposeService } from '../compose/index.js';
import { type DockerfileInstruction, parseDockerfile } from '../dockerfile/index.js';
import { knownProcess, type ImageProcess } from './images.js';
import { lacksShell } from '../manifest/index.js';

/** ENTRYPOINT and CMD of an image present on this machine; undefined when it is not. */
export type LocalImageLookup = (image: string) => ImageProcess | undefined;

export function imageProcess(service: ComposeService, image: string | undefined, lookup: LocalImageLookup | undefined): ImageProcess | undefined {
  const dockerfile = service.build?.dockerfile;
  if (typeof dockerfile === 'string' && dockerfile.startsWith('/') && existsSync(dockerfile)) {
    return fromDockerfile(dockerfile, typeof service.build?.target === 'string' ? service.build.target : undefined, lookup);
  }
  if (image === undefined) return undefined;
  return knownProcess(image) ?? lookup?.(image);
}

/** Why the service's image has no /bin/sh for a wrapper (undefined: it has one, as far as planes knows). */
export function imageLacksShell(service: ComposeService, image: string | undefined): string | undefined {
  const own = lacksShell(image, service['platform'], service['runtime']);
  if (own !== undefined) return own;
  const base = builtFrom(service);
  if (base === 'scratch') return 'its Dockerfile builds it FROM scratch, which has no shell';
  return base === undefined ? undefined : lacksShell(base, undefined, undefined);
}

/** The image the built stage finally stands on (its stages followed down), when the service builds from a Dockerfile here. */
function builtFrom(service: ComposeService): string | undefined {
  const stages = dockerfileStages(service);
  if (stages === undefined) return undefined;
  const target = service.build?.target;
  let stage = typeof target === 'string' ? stages.find((candidate) => candidate.name === target) : stages.at(-1);
  for (let depth = 0; stage !== undefined && depth <= stages.length; depth++) {
    const base = stage.base;
    const below = stages.find((candidate) => candidate.name === base);
    if (below === undefined) return base;
    stage = below;
  }
  return undefined;
}

function dockerfileStages(service: ComposeService): Stage[] | undefined {
  const path = service.build?.dockerfile;
  if (typeof path !== 'string' || !path.startsWith('/') || !existsSync(path)) return undefined;
  try {
    return stagesOf(parseDockerfile(readTextFile(path, path), path));
  } catch {
    return undefined;
  }
}

interface Stage {
  name: string | undefined;
  base: string;
  instructions: DockerfileInstruction[];
}

function fromDockerfile(path: string, target: string | undefined, lookup: LocalImageLookup | undefined): ImageProcess | undefined {
  let instructions: DockerfileInstruction[];
  try {
    instructions = parseDockerfile(readTextFile(path, path), path);
  } catch {
    return undefined;
  }
  const stages = stagesOf(instructions);
  let stage = target === undefined ? stages.at(-1) : stages.find((candidate) => candidate.name === target);
  let entrypoint: string[] | undefined;
  let cmd: string[] | undefined;
  // Walk down the stages until both are known. An ENTRYPOINT resets the CMD inherited from
  // below, not one written in its own stage.
  while (stage !== undefined) {
    const ownEntrypoint = stage.instructions.findLast((instruction) => instruction.keyword === 'ENTRYPOINT');
    const ownCmd = stage.instructions.findLast((instruction) => instruction.keyword === 'CMD');
    if (ownEntrypoint !== undefined && entrypoint === undefined) entrypoint = execForm(ownEntrypoint.argumentText);
    if (ownCmd !== undefined && cmd === undefined) cmd = execForm(ownCmd.argumentText);
    if (ownEntrypoint !== undefined) cmd ??= [];
    if (entrypoint !== undefined && cmd !== undefined) return { entrypoint, cmd, from: path };
    const base = stage.base;
    const below = stages.find((candidate) => candidate.name === base);
    if (below === undefined) {
      // Here no stage of the file set an ENTRYPOINT: it comes from the base image.
      if (base === 'scratch') return { entrypoint: [], cmd: cmd ?? [], from: path };
      const inherited = knownProcess(base) ?? lookup?.(base);
      if (inherited === undefined) return undefined;
      return { entrypoint: inherited.entrypoint, cmd: cmd ?? inherited.cmd, from: `${path} over ${inherited.from}` };
    }
    stage = below;
  }
  return undefined;
}

function stagesOf(instructions: readonly DockerfileInstruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') stages.push({ name: instruction.stage, base: instruction.image, instructions: [] });
    else stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}

function execForm(argumentText: string): string[] {
  const text = argumentText.trim();
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return parsed as string[];
    } catch {
      // Not JSON: Docker runs it in the shell form.
    }
  }
  return ['/bin/sh', '-c', text];
}
