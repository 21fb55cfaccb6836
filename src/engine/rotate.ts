import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { UsageError } from '../errors.js';
import { writeFilesAtomically } from '../fs/index.js';
import { generate } from '../generate/index.js';
import { externalSecretName, type LoadedManifest, parseManifest } from '../manifest/index.js';
import { waitForConvergence } from './converge.js';
import { EngineError, engineFailure, type Engine } from './docker.js';
import { sha256Hex } from './hash.js';
import { setSecretVersion } from './manifest-edit.js';
import { pushDecision } from './push.js';
import { listServices, serviceName, specWithSecretReplaced, stackServices, updateService, usesSecret } from './services.js';
import { readSecretValue, sourceOf } from './sources.js';
import { externalSecrets } from './stack-secrets.js';
import { createSecret, findSecret, LABEL_SHA256, planesLabels, removeSecret, type SwarmSecret } from './swarm-secrets.js';

export interface RotateOptions {
  root: string;
  environment: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** Told each step as it starts; the command prints it. */
  progress?: (step: string) => void;
}

export interface RotateResult {
  oldName: string;
  newName: string;
  version: number;
  updatedServices: string[];
  /** Services outside the stack that still use the old secret, which is then kept. */
  oldKeptFor: string[];
  oldRemoved: boolean;
}

/**
 * Swarm secrets are immutable, so a new value is a new secret: <stack>_<name>_v<N+1>. The
 * manifest and generated files are switched to it, the stack's services are updated to mount
 * it at the same place, and the old secret is removed once nothing uses it.
 */
export async function rotateSecret(engine: Engine, loaded: LoadedManifest, secret: string, options: RotateOptions): Promise<RotateResult> {
  const { manifest } = loaded;
  const { root, environment } = options;
  const progress = options.progress ?? (() => {});
  if (!(secret in manifest.secrets)) {
    throw new UsageError(`${secret}: no such secret in ${loaded.file} (it has ${Object.keys(manifest.secrets).join(', ') || 'none'})`);
  }
  if (!externalSecrets(loaded, root, environment).some((item) => item.secret === secret)) {
    throw new UsageError(`${secret}: no service of the ${environment} environment uses this secret, so there is nothing to rotate there`);
  }

  const version = (manifest.secrets[secret]!.version ?? 1) + 1;
  const manifestPath = isAbsolute(loaded.file) ? loaded.file : join(root, loaded.file);
  const editedText = setSecretVersion(readFileSync(manifestPath, 'utf8'), secret, version);
  const edited = parseManifest(editedText, loaded.file);
  const oldName = externalSecretName(manifest, secret);
  const newName = externalSecretName(edited.manifest, secret);
  const generation = generate(edited, root);

  const value = await readSecretValue(secret, sourceOf(manifest, secret), root, options.env);
  const sha256 = sha256Hex(value);
  const failure = (error: unknown, doing: string) => engineFailure(error, doing, engine.endpoint);

  let old: SwarmSecret | undefined;
  let existingNew: SwarmSecret | undefined;
  try {
    [old, existingNew] = await Promise.all([findSecret(engine.docker, oldName), findSecret(engine.docker, newName)]);
  } catch (error) {
    throw failure(error, 'looking up secrets');
  }
  if (old?.labels[LABEL_SHA256] === sha256) {
    throw new UsageError(`${secret}: its source gives the value ${oldName} already holds; put the new value at the source first, then rotate`);
  }

  let newId: string;
  const decision = pushDecision(existingNew, sha256);
  if (decision === 'conflict' || decision === 'unlabelled') {
    throw new EngineError(`${newName} already exists in the Swarm with another value; remove it (docker secret rm ${newName}) if it is a leftover of an earlier rotation, then rotate again`);
  }
  if (decision === 'unchanged') {
    newId = existingNew!.id;
  } else {
    progress(`creating ${newName}`);
    try {
      newId = await createSecret(engine.docker, newName, value, planesLabels(manifest.name, secret, sha256));
    } catch (error) {
      throw failure(error, `creating secret ${newName}`);
    }
  }

  progress(`writing ${loaded.file} (version: ${version}) and the generated files`);
  const files = [{ path: loaded.file, content: editedText }, ...generation.files];
  writeFilesAtomically(files.map((file) => ({ path: isAbsolute(file.path) ? file.path : join(root, file.path), content: file.content })));

  const result: RotateResult = { oldName, newName, version, updatedServices: [], oldKeptFor: [], oldRemoved: false };
  if (!old) return result;
  const from = { id: old.id, name: old.name };
  const to = { id: newId, name: newName };
  const unfinished = `; ${loaded.file} and the stack file already name ${newName}: finish with planes deploy --env ${environment}, then planes secrets prune --env ${environment}`;

  try {
    const users = (await stackServices(engine.docker, manifest.name)).filter((service) => usesSecret(service, from));
    for (const service of users) {
      progress(`updating service ${serviceName(service)}`);
      await updateService(engine.docker, service, specWithSecretReplaced(service.Spec ?? {}, from, to));
      result.updatedServices.push(serviceName(service));
    }
    if (users.length > 0) {
      progress(`waiting for ${users.map(serviceName).join(', ')} to run with ${newName}`);
      await waitForConvergence(engine.docker, users.map((service) => service.ID), newId, options.timeoutMs);
    }
    result.oldKeptFor = (await listServices(engine.docker)).filter((service) => usesSecret(service, from)).map(serviceName);
    if (result.oldKeptFor.length === 0) {
      progress(`removing ${oldName}`);
      await removeSecret(engine.docker, old.id);
      result.oldRemoved = true;
    }
  } catch (error) {
    const cause = failure(error, 'updating the services');
    throw cause instanceof UsageError ? new EngineError(`${cause.message}${unfinished}`) : cause;
  }
  return result;
}
