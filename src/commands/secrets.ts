import { Option, type Command } from 'commander';
import { lines, outcome, type Outcome, type Responder } from '../cli.js';
import { UsageError } from '../errors.js';
import { finishInterruptedWrite } from '../fs/index.js';
import {
  connectEngine,
  type ExternalSecret,
  externalSecrets,
  missingSecrets,
  type PruneCandidate,
  pruneSecrets,
  type PushResult,
  pushSecrets,
  rotateSecret,
  type RotateResult,
  swarmEnvironment,
} from '../engine/index.js';
import { type LoadedManifest, loadManifest } from '../manifest/index.js';
import { ENV_OPTION, MANIFEST_OPTION } from './options.js';

export interface EnvOptions {
  manifest: string;
  env?: string;
}

/** The manifest and the Swarm environment a command works on. */
export interface SwarmTarget {
  root: string;
  loaded: LoadedManifest;
  environment: string;
}

export function swarmTarget(options: EnvOptions): SwarmTarget {
  // A write an earlier planes command left half done is finished before the manifest and stack file are read.
  finishInterruptedWrite(process.cwd());
  const loaded = loadManifest(options.manifest);
  return { root: process.cwd(), loaded, environment: swarmEnvironment(loaded.manifest, options.env) };
}

/** `planes secrets push|verify|prune|rotate`: the external secrets of a Swarm environment. */
export function registerSecretsCommands(program: Command, responder: Responder): void {
  const secrets = program.command('secrets').description('manage the external (Swarm) secrets of a stack');
  registerPushCommand(secrets, responder);
  registerVerifyCommand(secrets, responder);
  registerPruneCommand(secrets, responder);
  registerRotateCommand(secrets, responder);
}

function registerPushCommand(secrets: Command, responder: Responder): void {
  secrets
    .command('push')
    .description('create the Swarm secrets the stack file needs from their sources (file, env or command), labelled with a content hash')
    .option(...ENV_OPTION)
    .option(...MANIFEST_OPTION)
    .action(
      responder.respond(async (options: EnvOptions) => {
        const { root, loaded, environment } = swarmTarget(options);
        const needed = externalSecrets(loaded, root, environment);
        const results = await pushSecrets(await connectEngine({ swarmManager: true }), loaded.manifest, needed, root);
        return pushOutcome(results, environment);
      }),
    );
}

function registerVerifyCommand(secrets: Command, responder: Responder): void {
  secrets
    .command('verify')
    .description('check that every external secret the stack file needs exists in the Swarm (preflight for docker stack deploy)')
    .option(...ENV_OPTION)
    .option(...MANIFEST_OPTION)
    .action(
      responder.respond(async (options: EnvOptions) => {
        const { root, loaded, environment } = swarmTarget(options);
        const engine = await connectEngine({ swarmManager: true });
        const needed = externalSecrets(loaded, root, environment);
        return verifyOutcome(needed, await missingSecrets(engine, needed), environment);
      }),
    );
}

function registerPruneCommand(secrets: Command, responder: Responder): void {
  secrets
    .command('prune')
    .description("remove this stack's secrets that no service uses and the manifest no longer names (dropped secrets, older versions)")
    .option(...ENV_OPTION)
    .option(...MANIFEST_OPTION)
    .option('--dry-run', 'list what would be removed; remove nothing')
    .action(
      responder.respond(async (options: EnvOptions & { dryRun?: boolean }) => {
        const { loaded } = swarmTarget(options);
        const dryRun = options.dryRun ?? false;
        return pruneOutcome(await pruneSecrets(await connectEngine({ swarmManager: true }), loaded.manifest, { dryRun }), dryRun);
      }),
    );
}

function registerRotateCommand(secrets: Command, responder: Responder): void {
  secrets
    .command('rotate')
    .description(
      'create <stack>_<name>_v<N+1> from the source, point the manifest, the generated files and the running services at it, and remove the old one; when a service does not converge (a node down), keep the old one and exit 1: run it again once the nodes are back to finish',
    )
    .argument('<name>', 'the secret, as named in the manifest')
    .option(...ENV_OPTION)
    .option(...MANIFEST_OPTION)
    .addOption(new Option('--timeout <seconds>', 'how long to wait for the services to converge: every task meant to run running on the new secret, for a global service one on every ready node it may run on').default(180).argParser(positiveNumber))
    .action(responder.respond(async (name: string, options: RotateFlags) => rotateOutcome(name, await rotate(name, options, responder.stream), options)));
}

type RotateFlags = EnvOptions & { timeout: number };

async function rotate(name: string, options: RotateFlags, stream: Responder['stream']): Promise<RotateResult> {
  const { root, loaded, environment } = swarmTarget(options);
  const engine = await connectEngine({ swarmManager: true });
  return rotateSecret(engine, loaded, name, {
    root,
    environment,
    timeoutMs: options.timeout * 1000,
    // A rotation waits on the services for minutes: each step is shown as it starts.
    progress: (step) => stream({ stderr: lines([`planes: ${step}`]) }),
  });
}

/** Exit 1 when a secret the stack file needs is missing: docker stack deploy would fail. */
export function verifyOutcome(needed: ExternalSecret[], missing: ExternalSecret[], environment: string): Outcome {
  if (missing.length === 0) return outcome({ stderr: lines([`planes: all ${needed.length} external secrets of ${environment} exist`]) });
  return outcome(
    {
      stdout: lines(missing.map((item) => `missing ${item.name} (secret ${item.secret})`)),
      stderr: lines([`planes: ${missing.length} of ${needed.length} external secrets of ${environment} are missing; create them with planes secrets push --env ${environment}`]),
    },
    1,
  );
}

/** Exit 1 when a secret is in conflict: the Swarm holds another value under its name. */
export function pushOutcome(results: PushResult[], environment: string): Outcome {
  const count = (status: PushResult['status']) => results.filter((r) => r.status === status).length;
  const conflicts = count('conflict') + count('unlabelled');
  const summary = `planes: ${count('created')} created, ${count('unchanged')} unchanged, ${conflicts} in conflict`;
  return outcome({ stderr: lines([...results.map((result) => pushLine(result, environment)), summary]) }, conflicts > 0 ? 1 : 0);
}

function pushLine(result: PushResult, environment: string): string {
  switch (result.status) {
    case 'created':
      return `created   ${result.name} (from ${result.source})`;
    case 'unchanged':
      return `unchanged ${result.name}`;
    case 'conflict':
      return `conflict  ${result.name}: the Swarm holds another value under this name, and Swarm secrets are immutable; to change it: planes secrets rotate ${result.secret} --env ${environment}`;
    case 'unlabelled':
      return `conflict  ${result.name}: exists but was not created by planes (no planes.sha256 label), so its value cannot be compared; remove it (docker secret rm) or rotate: planes secrets rotate ${result.secret} --env ${environment}`;
  }
}

function pruneOutcome(pruned: PruneCandidate[], dryRun: boolean): Outcome {
  return outcome({
    stdout: lines(pruned.map(({ secret, reason }) => `${dryRun ? 'would remove' : 'removed'} ${secret.name} (${reason})`)),
    stderr: lines([`planes: ${pruned.length} secret(s) ${dryRun ? 'to remove' : 'removed'}`]),
  });
}

/** Exit 1 when a service did not converge in time: the old secret is kept, and a rerun finishes the rotation. */
function rotateOutcome(name: string, result: RotateResult, options: RotateFlags): Outcome {
  if (result.notConverged.length > 0) {
    const environment = options.env === undefined ? '' : ` --env ${options.env}`;
    return outcome(
      {
        stderr: lines([
          `planes: ${name}: the rotation to ${result.newName} (version ${result.version}) is not finished: ${result.notConverged.length} service(s) did not converge within ${options.timeout} s:`,
          ...result.notConverged.map(({ waitingFor }) => `  not converged: ${waitingFor}`),
          `planes: kept ${result.oldName}: tasks that have not moved yet (on a node that is down, or with no node left to run on) may still use it`,
          `planes: once the nodes are back (docker node ls), run planes secrets rotate ${name}${environment} again to finish`,
        ]),
      },
      1,
    );
  }
  const rotated = result.resumed
    ? `planes: ${name}: finished the rotation to ${result.newName} (version ${result.version})`
    : `planes: ${name} rotated to ${result.newName} (version ${result.version})`;
  const services = result.updatedServices.length > 0 ? `; ${result.updatedServices.join(', ')} now run with it` : '; no running service used the old one';
  return outcome({
    stderr: lines([
      `${rotated}${services}`,
      ...(result.oldKeptFor.length > 0 ? [`planes: kept ${result.oldName}: still used by ${result.oldKeptFor.join(', ')}`] : []),
    ]),
  });
}

function positiveNumber(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--timeout ${text}: give a number of seconds`);
  return value;
}
