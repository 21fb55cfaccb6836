import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { formatters } from '../report/index.js';
import { UsageError } from '../errors.js';
import { assertStackFileCurrent, audit, type AuditScope, connectEngine, type Engine, externalSecrets, missingSecrets, pruneSecrets, type PushResult, pushSecrets, RESOLVE_IMAGE, type ResolveImage, rotateSecret, runDocker, stackDeployArgs, stackFileContent, swarmEnvironment, swarmManagerProblem } from '../engine/index.js';
import { MANIFEST_FILE } from '../layout.js';
import { type LoadedManifest, loadManifest } from '../manifest/index.js';

const MANIFEST_OPTION = ['-m, --manifest <file>', 'the manifest', MANIFEST_FILE] as const;
const ENV_OPTION = ['-e, --env <name>', 'the Swarm environment (default: the only one with target: swarm)'] as const;

interface EnvOptions {
  manifest: string;
  env?: string;
}

interface Target {
  root: string;
  loaded: LoadedManifest;
  environment: string;
}

function target(options: EnvOptions): Target {
  const loaded = loadManifest(options.manifest);
  return { root: process.cwd(), loaded, environment: swarmEnvironment(loaded.manifest, options.env) };
}

/** Commands that talk to the Docker engine: secrets push/verify/prune/rotate, audit, deploy. */
export function registerEngineCommands(program: Command): void {
  const secrets = program.command('secrets').description('manage the external (Swarm) secrets of a stack');

  secrets
    .command('push')
    .description('create the Swarm secrets the stack file needs from their sources (file, env or command), labelled with a content hash')
    .option(...ENV_OPTION)
    .option(...MANIFEST_OPTION)
    .action(async (options: EnvOptions) => {
      const { root, loaded, environment } = target(options);
      const needed = externalSecrets(loaded, root, environment);
      const results = await pushSecrets(await connectEngine({ swarmManager: true }), loaded.manifest, needed, root);
      reportPush(results, environment);
    });

  secrets
    .command('verify')
    .description('check that every external secret the stack file needs exists in the Swarm (preflight for docker stack deploy)')
    .option(...ENV_OPTION)
    .option(...MANIFEST_OPTION)
    .action(async (options: EnvOptions) => {
      const { root, loaded, environment } = target(options);
      const ok = await verify(await connectEngine({ swarmManager: true }), externalSecrets(loaded, root, environment), environment);
      if (!ok) process.exitCode = 1;
    });

  secrets
    .command('prune')
    .description("remove this stack's secrets that no service uses and the manifest no longer names (dropped secrets, older versions)")
    .option(...ENV_OPTION)
    .option(...MANIFEST_OPTION)
    .option('--dry-run', 'list what would be removed; remove nothing')
    .action(async (options: EnvOptions & { dryRun?: boolean }) => {
      const { loaded } = target(options);
      const pruned = await pruneSecrets(await connectEngine({ swarmManager: true }), loaded.manifest, { dryRun: options.dryRun ?? false });
      for (const { secret, reason } of pruned) process.stdout.write(`${options.dryRun ? 'would remove' : 'removed'} ${secret.name} (${reason})\n`);
      process.stderr.write(`planes: ${pruned.length} secret(s) ${options.dryRun ? 'to remove' : 'removed'}\n`);
    });

  secrets
    .command('rotate')
    .description('create <stack>_<name>_v<N+1> from the source, point the manifest, the generated files and the running services at it, and remove the old one')
    .argument('<name>', 'the secret, as named in the manifest')
    .option(...ENV_OPTION)
    .option(...MANIFEST_OPTION)
    .addOption(new Option('--timeout <seconds>', 'how long to wait for the services to converge').default(180).argParser(positiveNumber))
    .action(async (name: string, options: EnvOptions & { timeout: number }) => {
      const { root, loaded, environment } = target(options);
      const engine = await connectEngine({ swarmManager: true });
      const result = await rotateSecret(engine, loaded, name, {
        root,
        environment,
        timeoutMs: options.timeout * 1000,
        progress: (step) => process.stderr.write(`planes: ${step}\n`),
      });
      const services = result.updatedServices.length > 0 ? `; ${result.updatedServices.join(', ')} now run with it` : '; no running service used the old one';
      process.stderr.write(`planes: ${name} rotated to ${result.newName} (version ${result.version})${services}\n`);
      if (result.oldKeptFor.length > 0) process.stderr.write(`planes: kept ${result.oldName}: still used by ${result.oldKeptFor.join(', ')}\n`);
    });

  program
    .command('audit')
    .description('inspect running containers, Swarm services and (with --images) their images for secrets in the environment or the image history')
    .option('--stack <name>', 'audit this Swarm stack: its services and their task containers')
    .option('--project <name>', 'audit this Compose project: its containers')
    .option('--images', 'also audit the images they run: config Env and history')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option(...MANIFEST_OPTION)
    .action(async (options: { stack?: string; project?: string; images?: boolean; format: 'text' | 'json'; manifest: string }) => {
      const root = process.cwd();
      const manifest = existsSync(options.manifest) ? loadManifest(options.manifest).manifest : undefined;
      const engine = await connectEngine({ swarmManager: options.stack !== undefined });
      const scope = await auditScope(engine, options, manifest?.name);
      const report = await audit(engine, scope, root, manifest);
      const color = options.format === 'text' && process.stdout.isTTY === true && !process.env.NO_COLOR;
      process.stdout.write(formatters[options.format](report, { color, readSource: () => undefined, rules: [] }));
      if (report.summary.errors > 0) process.exitCode = 1;
    });

  program
    .command('deploy')
    .description('check (or push) the external secrets, then docker stack deploy the stack file of the environment')
    .option(...ENV_OPTION)
    .option(...MANIFEST_OPTION)
    .option('--push', 'create missing secrets from their sources first (planes secrets push)')
    .addOption(
      new Option('--resolve-image <when>', 'passed to docker stack deploy: pin image digests from the registry (never: use the images the nodes have)')
        .choices(RESOLVE_IMAGE)
        .default('always'),
    )
    .action(async (options: EnvOptions & { push?: boolean; resolveImage: ResolveImage }) => {
      const { root, loaded, environment } = target(options);
      const file = loaded.manifest.environments[environment]!.file;
      assertStackFileCurrent(root, file, stackFileContent(loaded, root, environment));
      const engine = await connectEngine({ swarmManager: true });
      const needed = externalSecrets(loaded, root, environment);
      const ready = options.push ? reportPush(await pushSecrets(engine, loaded.manifest, needed, root), environment) : await verify(engine, needed, environment);
      if (!ready) {
        process.exitCode = 1;
        return;
      }
      process.exitCode = await runDocker(stackDeployArgs(file, loaded.manifest.name, options.resolveImage), root);
    });
}

async function auditScope(engine: Engine, options: { stack?: string; project?: string; images?: boolean }, manifestName: string | undefined): Promise<AuditScope> {
  const images = options.images ?? false;
  if (options.stack !== undefined || options.project !== undefined) return { stack: options.stack, project: options.project, images };
  if (manifestName === undefined) throw new UsageError(`say what to audit: --stack NAME, --project NAME, or run where ${MANIFEST_FILE} (or --manifest) names the stack`);
  // Without --stack the Swarm half is best effort: a dev machine need not be in a Swarm.
  const swarm = (await swarmManagerProblem(engine)) === undefined;
  return { project: manifestName, ...(swarm ? { stack: manifestName } : {}), images };
}

async function verify(engine: Engine, needed: ReturnType<typeof externalSecrets>, environment: string): Promise<boolean> {
  const missing = await missingSecrets(engine, needed);
  if (missing.length === 0) {
    process.stderr.write(`planes: all ${needed.length} external secrets of ${environment} exist\n`);
    return true;
  }
  for (const item of missing) process.stdout.write(`missing ${item.name} (secret ${item.secret})\n`);
  process.stderr.write(`planes: ${missing.length} of ${needed.length} external secrets of ${environment} are missing; create them with planes secrets push --env ${environment}\n`);
  return false;
}

/** Prints what push did; false when a secret is in conflict. */
function reportPush(results: PushResult[], environment: string): boolean {
  for (const result of results) process.stderr.write(`${pushLine(result, environment)}\n`);
  const count = (status: PushResult['status']) => results.filter((r) => r.status === status).length;
  const conflicts = count('conflict') + count('unlabelled');
  process.stderr.write(`planes: ${count('created')} created, ${count('unchanged')} unchanged, ${conflicts} in conflict\n`);
  if (conflicts > 0) process.exitCode = 1;
  return conflicts === 0;
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

function positiveNumber(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--timeout ${text}: give a number of seconds`);
  return value;
}
