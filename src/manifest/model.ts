import type { Manifest, ManifestService } from './schema.js';
import { parseTemplate, referencedSecrets } from './template.js';

/** How one runtime secret is mounted into one service. */
export interface SecretMount {
  secret: string;
  /** File name under /run/secrets. */
  target: string;
  /** Variable that receives the path (…_FILE), if the image wants one. */
  env?: string;
  mode?: string;
  uid?: string;
  gid?: string;
  /** Variable the wrapper sets to the secret inside the service's process, for an image without `*_FILE` support. */
  variable?: string;
}

export function secretMounts(service: ManifestService): SecretMount[] {
  const secrets = service.secrets ?? {};
  if (Array.isArray(secrets)) return secrets.map((secret) => ({ secret, target: secret }));
  return Object.entries(secrets).map(([secret, mount]) => {
    const { target, env, mode, uid, gid, variable } = mount ?? {};
    return dropUndefined({ secret, target: target ?? secret, env, mode, uid, gid, variable });
  });
}

export type ConfigValue = Manifest['config'][string];

export function isPerEnvironment(value: ConfigValue): value is Record<string, string | number | boolean> {
  return typeof value === 'object' && value !== null;
}

/** The text of a setting in one environment; undefined when it has no value there. */
export function configValueIn(value: ConfigValue, environment: string): string | undefined {
  if (!isPerEnvironment(value)) return String(value);
  const own = value[environment];
  return own === undefined ? undefined : String(own);
}

/** The Swarm secret name of a runtime secret: <stack>_<name>, versioned once rotated. */
export function externalSecretName(manifest: Manifest, secret: string): string {
  const version = manifest.secrets[secret]?.version;
  return version === undefined ? `${manifest.name}_${secret}` : `${manifest.name}_${secret}_v${version}`;
}

export function environmentNames(manifest: Manifest): string[] {
  return Object.keys(manifest.environments);
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The secrets a templated secret is built from; none for a secret with a value of its own. */
export function templateParts(manifest: Manifest, secret: string): string[] {
  const template = manifest.secrets[secret]?.template;
  return template === undefined ? [] : referencedSecrets(parseTemplate(template));
}
