import { isAbsolute, join } from 'node:path';
import { UsageError } from '../errors.js';
import { checkWrites, readTextFile, writeFilesAtomically } from '../fs/index.js';
import { generate, type GeneratedFile } from '../generate/index.js';
import { externalSecretName, type LoadedManifest, type Manifest, parseManifest, templateParts } from '../manifest/index.js';
import { type Unconverged, waitForConvergence } from './converge.js';
import { EngineError, engineFailure, type Engine } from './docker.js';
import { sha256Hex } from './hash.js';
import { setSecretVersion } from './manifest-edit.js';
import { pushDecision } from './push.js';
import { forcedSpec, listServices, serviceName, specWithSecretReplaced, stackServices, updateService, usesSecret } from './services.js';
import { readSecretValue, sourceOf } from './sources.js';
import { externalSecrets } from './stack-secrets.js';
import { createSecret, findSecret, LABEL_SHA256, planesLabels, removeSecret, type SwarmSecret } from './swarm-secrets.js';

type Progress = (step: string) => void;

export interface RotateOptions {
  root: string;
  environment: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** Told each step as it starts; the command prints it. */
  progress?: Progress;
}

export interface RotateResult {
  oldName: string;
  newName: string;
  version: number;
  updatedServices: string[];
  /** Services of the stack that had not converged when the time ran out: the old secret is then kept for their old tasks. */
  notConverged: Unconverged[];
  /** Services outside the stack that still use the old secret, which is then kept. */
  oldKeptFor: string[];
  oldRemoved: boolean;
  /** This run finished a rotation an earlier run had left unfinished. */
  resumed: boolean;
}

/**
 * Swarm secrets are immutable, so a new value is a new secret: <stack>_<name>_v<N+1>. The
 * manifest and generated files are switched to it, the stack's services are updated to mount
 * it at the same place, and the old secret is removed once nothing uses it.
 */
export async function rotateSecret(engine: Engine, loaded: LoadedManifest, secret: string, options: RotateOptions): Promise<RotateResult> {
  const progress = options.progress ?? (() => {});
  assertRotatable(loaded, secret, options);
  const value = await readSecretValue(secret, sourceOf(loaded.manifest, secret), options.root, options.env);
  const unfinished = await unfinishedRotation(engine, loaded.manifest, secret, sha256Hex(value));
  if (unfinished) {
    progress(`finishing the rotation to ${unfinished.to.name}: ${unfinished.from.name} is still in the Swarm`);
    const switched = await switchServices(engine, loaded, secret, unfinished, options, progress);
    return { oldName: unfinished.from.name, newName: unfinished.to.name, version: loaded.manifest.secrets[secret]!.version!, ...switched, resumed: true };
  }
  const rotation = prepareRotation(loaded, secret, options.root);
  // A file planes must not write is refused before the Swarm is touched.
  checkWrites(rotation.files, { root: options.root });
  const { old, newId } = await createOrReuseNewSecret(engine, loaded.manifest.name, rotation, value, progress);
  progress(`writing ${loaded.file} (version: ${rotation.version}) and the generated files`);
  writeFilesAtomically(rotation.files, { root: options.root });
  const rotated = { oldName: rotation.oldName, newName: rotation.newName, version: rotation.version, resumed: false };
  // The old secret is not in the Swarm: no service can be using it.
  if (!old) return { ...rotated, updatedServices: [], notConverged: [], oldKeptFor: [], oldRemoved: false };
  const switched = await switchServices(engine, loaded, secret, { from: { id: old.id, name: old.name }, to: { id: newId, name: rotation.newName } }, options, progress);
  return { ...rotated, ...switched };
}

/**
 * A rotation an earlier run left unfinished (services that did not converge, an engine that
 * went away): the manifest already names version N, the Swarm holds it with the value the
 * source gives, and the secret of version N-1 is still there. Undefined when there is none.
 */
async function unfinishedRotation(engine: Engine, manifest: Manifest, secret: string, sha256: string): Promise<SecretSwitch | undefined> {
  const version = manifest.secrets[secret]!.version;
  if (version === undefined || version < 2) return undefined;
  const withVersion = (v: number | undefined) => externalSecretName({ ...manifest, secrets: { ...manifest.secrets, [secret]: { ...manifest.secrets[secret]!, version: v } } }, secret);
  // Version 1 is named with or without its suffix, as the manifest had it.
  const previousNames = version === 2 ? [withVersion(undefined), withVersion(1)] : [withVersion(version - 1)];
  try {
    const current = await findSecret(engine.docker, externalSecretName(manifest, secret));
    if (current?.labels[LABEL_SHA256] !== sha256) return undefined;
    for (const name of previousNames) {
      const previous = await findSecret(engine.docker, name);
      if (previous) return { from: { id: previous.id, name: previous.name }, to: { id: current.id, name: current.name } };
    }
    return undefined;
  } catch (error) {
    throw engineFailure(error, 'looking up secrets', engine.endpoint);
  }
}

/** The secret must be in the manifest and used in the environment, or there is nothing to rotate. */
function assertRotatable(loaded: LoadedManifest, secret: string, { root, environment }: RotateOptions): void {
  const { secrets } = loaded.manifest;
  if (!(secret in secrets)) {
    throw new UsageError(`${secret}: no such secret in ${loaded.file} (it has ${Object.keys(secrets).join(', ') || 'none'})`);
  }
  const parts = templateParts(loaded.manifest, secret);
  if (parts.length > 0) {
    throw new UsageError(`${secret}: a templated secret has no value of its own; the engine renders it anew when a secret it is built from changes: rotate ${parts.join(' or ')}`);
  }
  if (!externalSecrets(loaded, root, environment).some((item) => item.secret === secret)) {
    throw new UsageError(`${secret}: no service of the ${environment} environment uses this secret, so there is nothing to rotate there`);
  }
}

/** The next version of a secret, and the files that name it: all made before the Swarm is touched. */
interface Rotation {
  secret: string;
  version: number;
  oldName: string;
  newName: string;
  /** The edited manifest and the files generated from it, at absolute paths. */
  files: GeneratedFile[];
}

/** Sets `version: N+1` in the manifest's text (comments kept) and generates the files from the edited manifest. */
function prepareRotation(loaded: LoadedManifest, secret: string, root: string): Rotation {
  const { manifest } = loaded;
  const version = (manifest.secrets[secret]!.version ?? 1) + 1;
  const manifestPath = isAbsolute(loaded.file) ? loaded.file : join(root, loaded.file);
  const editedText = setSecretVersion(readTextFile(manifestPath, loaded.file), secret, version);
  const edited = parseManifest(editedText, loaded.file);
  const oldName = externalSecretName(manifest, secret);
  const newName = externalSecretName(edited.manifest, secret);
  const files = [{ path: loaded.file, content: editedText }, ...generate(edited, root).files];
  return { secret, version, oldName, newName, files: files.map((file) => ({ path: isAbsolute(file.path) ? file.path : join(root, file.path), content: file.content })) };
}

/**
 * Creates the new secret, or takes the one an interrupted rotation left with this very
 * value. Refuses a source that still gives the old value, and a new name already holding
 * another value.
 */
async function createOrReuseNewSecret(engine: Engine, stack: string, rotation: Rotation, value: Buffer, progress: Progress): Promise<{ old: SwarmSecret | undefined; newId: string }> {
  const { secret, oldName, newName } = rotation;
  const sha256 = sha256Hex(value);
  let old: SwarmSecret | undefined;
  let existingNew: SwarmSecret | undefined;
  try {
    [old, existingNew] = await Promise.all([findSecret(engine.docker, oldName), findSecret(engine.docker, newName)]);
  } catch (error) {
    throw engineFailure(error, 'looking up secrets', engine.endpoint);
  }
  if (old?.labels[LABEL_SHA256] === sha256) {
    throw new UsageError(`${secret}: its source gives the value ${oldName} already holds; put the new value at the source first, then rotate`);
  }
  const decision = pushDecision(existingNew, sha256);
  if (decision === 'conflict' || decision === 'unlabelled') {
    throw new EngineError(`${newName} already exists in the Swarm with another value; remove it (docker secret rm ${newName}) if it is a leftover of an earlier rotation, then rotate again`);
  }
  if (decision === 'unchanged') return { old, newId: existingNew!.id };
  progress(`creating ${newName}`);
  try {
    return { old, newId: await createSecret(engine.docker, newName, value, planesLabels(stack, secret, sha256)) };
  } catch (error) {
    throw engineFailure(error, `creating secret ${newName}`, engine.endpoint);
  }
}

interface SecretSwitch {
  from: { id: string; name: string };
  to: { id: string; name: string };
}

/**
 * Moves the stack's services from the old secret to the new one, waits for them to run with
 * it, and removes the old secret unless a service outside the stack still uses it. The files
 * already name the new secret, so after a failure here a rerun finishes the rotation.
 */
async function switchServices(engine: Engine, loaded: LoadedManifest, secret: string, secrets: SecretSwitch, options: RotateOptions, progress: Progress): Promise<Pick<RotateResult, 'updatedServices' | 'notConverged' | 'oldKeptFor' | 'oldRemoved'>> {
  try {
    const { updatedServices, notConverged } = await moveStackServices(engine, loaded.manifest.name, secrets, options.timeoutMs, progress);
    // A task that has not moved yet (its node down) still mounts the old secret: it stays until a rerun sees them converge.
    if (notConverged.length > 0) return { updatedServices, notConverged, oldKeptFor: [], oldRemoved: false };
    const oldKeptFor = await removeUnusedSecret(engine, secrets.from, progress);
    return { updatedServices, notConverged, oldKeptFor, oldRemoved: oldKeptFor.length === 0 };
  } catch (error) {
    const cause = engineFailure(error, 'updating the services', engine.endpoint);
    const unfinished = `; ${loaded.file} and the stack file already name ${secrets.to.name}: once the engine answers, run planes secrets rotate ${secret} --env ${options.environment} again to finish`;
    throw cause instanceof UsageError ? new EngineError(`${cause.message}${unfinished}`) : cause;
  }
}

/**
 * Points every service of the stack that mounts the old secret at the new one (same target),
 * then waits until every service on the new one has converged, those an earlier run moved too.
 */
async function moveStackServices(engine: Engine, stack: string, { from, to }: SecretSwitch, timeoutMs: number, progress: Progress): Promise<{ updatedServices: string[]; notConverged: Unconverged[] }> {
  const services = await stackServices(engine.docker, stack);
  const users = services.filter((service) => usesSecret(service, from));
  for (const service of users) {
    progress(`updating service ${serviceName(service)}`);
    await updateService(engine.docker, service, specWithSecretReplaced(service.Spec ?? {}, from, to));
  }
  const moved = services.filter((service) => users.includes(service) || usesSecret(service, to));
  if (moved.length === 0) return { updatedServices: [], notConverged: [] };
  progress(`waiting for ${moved.map(serviceName).join(', ')} to run with ${to.name}`);
  const notConverged = await waitForConvergence(engine.docker, moved.map((service) => service.ID), to.id, timeoutMs, {
    // Forced: every task is replaced, so none stays on the old secret, and a task Swarm no
    // longer tries to place (it stops retrying after a change that replaces nothing) is made anew.
    restart: async (service, reason) => {
      progress(`restarting the update of service ${serviceName(service)}, forced: ${reason}`);
      await updateService(engine.docker, service, forcedSpec(service.Spec ?? {}));
    },
  });
  return { updatedServices: moved.map(serviceName), notConverged };
}

/** Removes the secret when no service uses it any more; the services that still do, which keep it. */
async function removeUnusedSecret(engine: Engine, secret: { id: string; name: string }, progress: Progress): Promise<string[]> {
  const users = (await listServices(engine.docker)).filter((service) => usesSecret(service, secret)).map(serviceName);
  if (users.length === 0) {
    progress(`removing ${secret.name}`);
    await removeSecret(engine.docker, secret.id);
  }
  return users;
}
