import { parse } from 'yaml';
import { UsageError } from '../errors.js';
import { generate } from '../generate/index.js';
import { environmentNames, type LoadedManifest, type Manifest } from '../manifest/index.js';

/** A runtime secret as the stack file of a Swarm environment refers to it. */
export interface ExternalSecret {
  /** The name under `secrets:` in the manifest and the stack file. */
  secret: string;
  /** The Swarm secret name: <stack>_<secret>[_v<version>]. */
  name: string;
}

/** The Swarm environment a command works on: the one named, or the only one there is. */
export function swarmEnvironment(manifest: Manifest, requested: string | undefined): string {
  const swarm = environmentNames(manifest).filter((name) => manifest.environments[name]!.target === 'swarm');
  if (requested === undefined) {
    if (swarm.length === 1) return swarm[0]!;
    throw new UsageError(
      swarm.length === 0
        ? 'the manifest has no environment with target: swarm; add one (e.g. prod: { target: swarm, file: docker-compose.prod.yml })'
        : `the manifest has several Swarm environments (${swarm.join(', ')}); choose one with --env`,
    );
  }
  const environment = manifest.environments[requested];
  if (!environment) throw new UsageError(`--env ${requested}: the manifest has no such environment (it has ${environmentNames(manifest).join(', ')})`);
  if (environment.target !== 'swarm') {
    throw new UsageError(`--env ${requested}: this environment targets ${environment.target}, not swarm; Swarm secrets belong to ${swarm.join(', ') || 'a target: swarm environment'}`);
  }
  return requested;
}

/**
 * The external secrets the generated stack file of an environment declares. Read from the
 * generated text rather than recomputed, so that it is exactly what `docker stack deploy` will ask for.
 */
export function externalSecrets(loaded: LoadedManifest, root: string, environment: string): ExternalSecret[] {
  return externalSecretsOf(stackFileContent(loaded, root, environment));
}

export function stackFileContent(loaded: LoadedManifest, root: string, environment: string): string {
  const file = loaded.manifest.environments[environment]!.file;
  return generate(loaded, root).files.find((f) => f.path === file)!.content;
}

export function externalSecretsOf(stackFile: string): ExternalSecret[] {
  const document = parse(stackFile, { version: '1.1' }) as { secrets?: Record<string, { external?: unknown; name?: unknown } | null> } | null;
  return Object.entries(document?.secrets ?? {})
    .filter(([, spec]) => spec?.external === true)
    .map(([secret, spec]) => ({ secret, name: typeof spec!.name === 'string' ? spec!.name : secret }));
}
