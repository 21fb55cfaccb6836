/**
 * Where a planes project keeps its files, relative to the project root, and where its secrets
 * land in a container. Every feature asks here; no other module spells these paths.
 */

/** The manifest: the single source of truth of the stack. */
export const MANIFEST_FILE = 'compose/stack.yaml';

/** The environments a new project starts with (planes migrate). */
export const DEFAULT_ENVIRONMENTS = {
  dev: { target: 'compose', file: 'docker-compose.yml' },
  prod: { target: 'swarm', file: 'docker-compose.prod.yml' },
} as const;

/** The dev secret files: one per secret, never committed. */
export const SECRETS_DIR = 'secrets';

export function secretFile(name: string): string {
  return `${SECRETS_DIR}/${name}.txt`;
}

/** The committed stand-in an operator copies to the secret file. */
export function secretExampleFile(name: string): string {
  return `${secretFile(name)}.example`;
}

/** The .gitignore pattern that keeps every secret file out of git. */
export const SECRET_FILES_PATTERN = `${SECRETS_DIR}/*.txt`;

export const GITIGNORE = '.gitignore';

/** The config plane: settings shared by every environment, then those of one environment. */
export const CONFIG_DIR = 'config';

export const COMMON_ENV_FILE = `${CONFIG_DIR}/common.env`;

export function environmentEnvFile(environment: string): string {
  return `${CONFIG_DIR}/${environment}.env`;
}

/**
 * The Go template of a templated secret for one Swarm environment: committed, since it holds
 * the config values and the names of the secrets it is built from, never their values.
 */
export function secretTemplateFile(environment: string, secret: string): string {
  return `${CONFIG_DIR}/${environment}.${secret}.tmpl`;
}

/**
 * The wrapper that starts a service whose image reads a secret only from a variable: generated,
 * committed, and delivered to the container as a config (no image rebuild).
 */
export const SECRET_ENV_WRAPPER = { file: `${CONFIG_DIR}/secret-env.sh`, config: 'planes_secret_env', target: '/planes/secret-env.sh' } as const;

/** Where a service finds its runtime secrets, in Compose and in Swarm. */
export const RUN_SECRETS = '/run/secrets';
