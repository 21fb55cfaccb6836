import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { lines, outcome, type Outcome, type Responder } from '../cli.js';
import { UsageError } from '../errors.js';
import {
  audit,
  AUDIT_RULES,
  type AuditScope,
  connectEngine,
  type Engine,
  externalSecrets,
  missingSecrets,
  pruneStackObjects,
  pushSecrets,
  RESOLVE_IMAGE,
  type ResolveImage,
  runDocker,
  stackDeployArgs,
  stackFileContent,
  stackFileDrift,
  swarmManagerProblem,
  unknownAuditScope,
} from '../engine/index.js';
import { MANIFEST_FILE } from '../layout.js';
import { loadManifest } from '../manifest/index.js';
import { type Report, formatters } from '../report/index.js';
import { ENV_OPTION, MANIFEST_OPTION, useColor } from './options.js';
import { type EnvOptions, pushOutcome, registerSecretsCommands, swarmTarget, type SwarmTarget, verifyOutcome } from './secrets.js';

/** Commands that talk to the Docker engine: secrets push/verify/prune/rotate, audit, deploy. */
export function registerEngineCommands(program: Command, responder: Responder): void {
  registerSecretsCommands(program, responder);
  registerAuditCommand(program, responder);
  registerDeployCommand(program, responder);
}

interface AuditOptions {
  stack?: string;
  project?: string;
  images?: boolean;
  format: 'text' | 'json';
  manifest: string;
}

function registerAuditCommand(program: Command, responder: Responder): void {
  program
    .command('audit')
    .description('inspect running containers, Swarm services and (with --images) their images for secrets in the environment or the image history')
    .option('--stack <name>', 'audit this Swarm stack: its services and their task containers')
    .option('--project <name>', 'audit this Compose project: its containers')
    .option('--images', 'also audit the images they run: config Env and history')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option(...MANIFEST_OPTION)
    .action(responder.respond(async (options: AuditOptions) => auditOutcome(await auditReport(options), { format: options.format, color: useColor(options.format) })));
}

async function auditReport(options: AuditOptions): Promise<Report> {
  const manifest = existsSync(options.manifest) ? loadManifest(options.manifest).manifest : undefined;
  const engine = await connectEngine({ swarmManager: options.stack !== undefined });
  const unknown = await unknownAuditScope(engine, options);
  if (unknown !== undefined) throw new UsageError(unknown);
  const scope = await auditScope(engine, options, manifest?.name);
  return audit(engine, scope, process.cwd(), manifest);
}

async function auditScope(engine: Engine, options: { stack?: string; project?: string; images?: boolean }, manifestName: string | undefined): Promise<AuditScope> {
  const images = options.images ?? false;
  if (options.stack !== undefined || options.project !== undefined) return { stack: options.stack, project: options.project, images };
  if (manifestName === undefined) throw new UsageError(`say what to audit: --stack NAME, --project NAME, or run where ${MANIFEST_FILE} (or --manifest) names the stack`);
  // Without --stack the Swarm half is best effort: a dev machine need not be in a Swarm.
  const swarm = (await swarmManagerProblem(engine)) === undefined;
  return { project: manifestName, ...(swarm ? { stack: manifestName } : {}), images };
}

/** Exit 1 on an error finding. */
function auditOutcome(report: Report, output: { format: AuditOptions['format']; color: boolean }): Outcome {
  return outcome({ stdout: formatters[output.format](report, { color: output.color, rules: AUDIT_RULES }) }, report.summary.errors > 0 ? 1 : 0);
}

type DeployOptions = EnvOptions & { push?: boolean; resolveImage: ResolveImage };

function registerDeployCommand(program: Command, responder: Responder): void {
  program
    .command('deploy')
    .description(
      'check (or push) the external secrets, docker stack deploy the stack file of the environment, then remove the configs and secret templates of the stack no service uses any more',
    )
    .option(...ENV_OPTION)
    .option(...MANIFEST_OPTION)
    .option('--push', 'create missing secrets from their sources first (planes secrets push)')
    .addOption(
      new Option('--resolve-image <when>', 'passed to docker stack deploy: pin image digests from the registry (never: use the images the nodes have)')
        .choices(RESOLVE_IMAGE)
        .default('always'),
    )
    .action(responder.respond((options: DeployOptions) => deploy(options, responder.stream)));
}

/**
 * Refuses a stale stack file, checks (or pushes) the secrets, then hands the terminal to docker
 * stack deploy: its exit code is deploy's. A stale file exits 1, as `generate --check` and
 * `check` do: a drift is what the checks report, not a usage error.
 */
async function deploy(options: DeployOptions, stream: Responder['stream']): Promise<Outcome> {
  const target = swarmTarget(options);
  const file = target.loaded.manifest.environments[target.environment]!.file;
  const drift = stackFileDrift(target.root, file, stackFileContent(target.loaded, target.root, target.environment));
  if (drift !== undefined) return outcome({ stderr: lines([`planes: ${drift}`]) }, 1);
  const engine = await connectEngine({ swarmManager: true });
  const preflight = await deployPreflight(engine, target, options.push === true);
  if (preflight.exitCode !== 0) return preflight;
  // docker's output follows on the same terminal: what planes checked must come before it.
  stream(preflight);
  const stack = target.loaded.manifest.name;
  const deployed = await runDocker(stackDeployArgs(file, stack, options.resolveImage), target.root);
  if (deployed !== 0) return outcome({}, deployed);
  // A changed config file or secret template was deployed as a new object (its name carries the content digest): the old one goes.
  const removed = await pruneStackObjects(engine, stack);
  return outcome({ stdout: lines(removed.map(({ kind, name }) => `removed ${kind} ${name}: no service of the stack uses it any more`)) }, 0);
}

/** `secrets verify`, or with --push `secrets push`: the external secrets the stack file needs must all be there. */
async function deployPreflight(engine: Engine, { root, loaded, environment }: SwarmTarget, push: boolean): Promise<Outcome> {
  const needed = externalSecrets(loaded, root, environment);
  if (push) return pushOutcome(await pushSecrets(engine, loaded.manifest, needed, root), environment);
  return verifyOutcome(needed, await missingSecrets(engine, needed), environment);
}
