import { z } from 'zod';

/**
 * The manifest, compose/stack.yaml: the single source of truth of a stack. This schema is
 * also exported as JSON Schema (`planes schema`) for editor completion, so every field
 * carries a description.
 */

const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_NAME = /^[a-z][a-z0-9_]*$/;
// Compose project names: lower-case letters, digits, dashes and underscores.
const STACK_NAME = /^[a-z0-9][a-z0-9_-]*$/;
// Compose accepts [a-zA-Z0-9._-]; Swarm prefixes the stack name and needs a leading letter or digit.
const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
const ENVIRONMENT_NAME = /^[a-z][a-z0-9_-]*$/;

export const envVarName = z
  .string()
  .regex(ENV_VAR, { error: 'must be an environment variable name (letters, digits and _, not starting with a digit)' });

// Compose and docker's env-file reader both take dotted names (discovery.type) for settings.
export const configKey = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, { error: 'must be a setting name: letters, digits, _ . and -, not starting with a digit' });

const secretName = z
  .string()
  .regex(SECRET_NAME, { error: 'must be a secret name: lower-case letters, digits and _, starting with a letter' });

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const environment = z
  .object({
    target: z.enum(['compose', 'swarm']).describe('compose: a file for `docker compose`; swarm: a stack file for `docker stack deploy`'),
    file: z.string().min(1).describe('Path of the generated compose file, relative to the project root'),
  })
  .strict()
  .describe('One deployment environment and the compose file generated for it');

const configValue = z
  .union([scalar, z.record(z.string(), scalar).describe('A value per environment name')], {
    error: 'must be a string, number or boolean, or a map of environment name to such a value',
  })
  .describe('A non-secret setting: one value, or a value per environment ({dev: …, prod: …})');

const secretSource = z
  .union([
    z.object({ file: z.string().min(1).describe('Read the value from this file') }).strict(),
    z.object({ env: envVarName.describe('Read the value from this environment variable') }).strict(),
    z
      .object({
        command: z
          .string()
          .min(1)
          .describe('Run this command; its standard output is the value (vault kv get -field=…, op read …, aws secretsmanager get-secret-value …)'),
      })
      .strict(),
  ], { error: 'give exactly one of file:, env: or command:' })
  .describe('Where `planes secrets push` reads the production value from');

const secret = z
  .object({
    description: z.string().optional().describe('What the secret is, for operators'),
    generate: z
      .object({
        length: z.number().int().min(16).max(4096).default(32).describe('Number of characters'),
        charset: z.enum(['alphanumeric', 'hex', 'base64url']).default('alphanumeric'),
      })
      .strict()
      .optional()
      .describe('`planes setup` creates the dev value at random'),
    example: z.string().optional().describe('Shown in secrets/<name>.txt.example; never a real value'),
    dev: z
      .enum(['required', 'example'])
      .default('required')
      .describe('For operator-provided secrets: `example` lets `planes setup` fill the dev file from the example'),
    source: secretSource.optional(),
    version: z.number().int().min(1).optional().describe('Bumped by `planes secrets rotate`; part of the Swarm secret name'),
    template: z
      .string()
      .min(1)
      .optional()
      .describe(
        'A value built from other secrets and config, e.g. "postgresql://{{ config.POSTGRES_USER }}:{{ secret.postgres_password | urlencode }}@db/app": rendered by `planes setup` in dev, by the Swarm engine on the node in prod',
      ),
  })
  .strict()
  .describe('A runtime secret: a file under /run/secrets in dev, an external Swarm secret in prod');

const buildSecret = z
  .union([
    z.object({ env: envVarName.describe('Host environment variable holding the value at build time') }).strict(),
    z.object({ file: z.string().min(1).describe('Host file holding the value at build time') }).strict(),
  ], { error: 'give exactly one of env: or file:' })
  .describe('A credential needed only while building (BuildKit secret mount)');

const secretMount = z
  .object({
    env: envVarName.optional().describe('Variable that receives the path, by convention …_FILE (e.g. POSTGRES_PASSWORD_FILE)'),
    target: z.string().min(1).optional().describe('File name under /run/secrets (default: the secret name)'),
    mode: z
      .string({ error: 'write the mode as a quoted octal string, e.g. "0400"' })
      .regex(/^0[0-7]{3}$/, { error: 'write the mode as a quoted octal string, e.g. "0400"' })
      .optional()
      .describe('File mode as a quoted octal string, e.g. "0400"'),
    uid: z.string().optional(),
    gid: z.string().optional(),
    variable: envVarName
      .optional()
      .describe(
        'For an image that reads this secret only from an environment variable: the service starts through a small wrapper that sets the variable to the secret, in its own process only (never in the container configuration)',
      ),
  })
  .strict();

const build = z
  .object({
    context: z.string().min(1).describe('Build context, relative to the project root'),
    dockerfile: z.string().min(1).optional(),
    target: z.string().min(1).optional(),
    args: z.record(envVarName, scalar).optional().describe('Non-secret build arguments only: they persist in the image'),
    secrets: z.array(secretName).optional().describe('Build secrets (names under build_secrets) mounted during the build'),
  })
  .strict();

/**
 * Service keys that pass through to the generated compose files unchanged. Settings
 * (`environment`, `env_file`, `secrets`) are not among them: they are what planes manages.
 */
export const PASS_THROUGH_KEYS = [
  'cap_add', 'cap_drop', 'command', 'configs', 'container_name', 'cpus', 'depends_on', 'deploy', 'devices',
  'dns', 'dns_opt', 'dns_search', 'entrypoint', 'expose', 'extra_hosts', 'group_add', 'healthcheck',
  'hostname', 'init', 'ipc', 'labels', 'links', 'logging', 'mem_limit', 'network_mode', 'networks',
  'pid', 'pids_limit', 'platform', 'ports', 'privileged', 'profiles', 'pull_policy', 'read_only',
  'restart', 'runtime', 'security_opt', 'shm_size', 'stdin_open', 'stop_grace_period', 'stop_signal',
  'sysctls', 'tmpfs', 'tty', 'ulimits', 'user', 'volumes', 'volumes_from', 'working_dir',
] as const;

const passThrough = Object.fromEntries(
  PASS_THROUGH_KEYS.map((key) => [key, z.unknown().optional().describe(`Compose \`${key}\`, passed through`)]),
) as Record<(typeof PASS_THROUGH_KEYS)[number], z.ZodOptional<z.ZodUnknown>>;

const service = z
  .object({
    image: z.string().min(1).describe('Image to run; with `build`, the name of the built image'),
    build: build.optional(),
    config: z.array(configKey).optional().describe('Names of settings under `config` this service reads'),
    secrets: z
      .union([z.array(secretName), z.record(secretName, secretMount.nullable())], {
        error: 'must be a list of secret names, or a map of secret name to {env, target, mode}',
      })
      .optional()
      .describe('Runtime secrets mounted under /run/secrets'),
    image_start: z
      .object({
        entrypoint: z.array(z.string()).describe("The image's ENTRYPOINT, [] when it has none"),
        command: z.array(z.string()).describe("The image's CMD, [] when it has none"),
      })
      .strict()
      .optional()
      .describe(
        "What the image runs when nothing overrides it (docker image inspect --format '{{json .Config.Entrypoint}} {{json .Config.Cmd}}' IMAGE): needed by a secret given as a variable when the service sets no entrypoint or command, since starting through the wrapper replaces them",
      ),
    overrides: z
      .record(z.string(), z.object(passThrough).strict())
      .optional()
      .describe('Per-environment values of pass-through keys, merged over the service ({prod: {deploy: …}})'),
    ...passThrough,
  })
  .strict();

export const manifestSchema = z
  .object({
    name: z.string().regex(STACK_NAME, { error: 'must be a Compose project name: lower-case letters, digits, - and _' })
      .describe('Stack name; prefixes the production secret names (<name>_<secret>)'),
    environments: z
      .record(z.string().regex(ENVIRONMENT_NAME, { error: 'must be lower-case letters, digits, - and _' }), environment)
      .describe('Environments and the compose file generated for each'),
    config: z.record(configKey, configValue).default({}).describe('Plane `config`: non-secret runtime settings, delivered by env_file'),
    secrets: z.record(secretName, secret).default({}).describe('Plane `secret` (dev) / `external` (prod): runtime secrets'),
    build_secrets: z.record(secretName, buildSecret).default({}).describe('Plane `build`: BuildKit build secrets'),
    services: z.record(z.string().regex(SERVICE_NAME, { error: 'must be a Compose service name: letters, digits, ., - and _, starting with a letter or digit' }), service),
    volumes: z.record(z.string(), z.unknown()).optional().describe('Top-level Compose volumes, passed through'),
    networks: z.record(z.string(), z.unknown()).optional().describe('Top-level Compose networks, passed through'),
    configs: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Top-level Compose configs: files the containers read, never secrets (docker config inspect shows them); a file path is relative to the project root'),
  })
  .strict();

export type ManifestInput = z.input<typeof manifestSchema>;
export type Manifest = z.output<typeof manifestSchema>;
export type ManifestService = Manifest['services'][string];
export type ManifestSecret = Manifest['secrets'][string];
export type SecretSource = NonNullable<ManifestSecret['source']>;

export function manifestJsonSchema(): object {
  return z.toJSONSchema(manifestSchema, { io: 'input', target: 'draft-2020-12' });
}
