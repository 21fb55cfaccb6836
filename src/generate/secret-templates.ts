import { secretTemplateFile } from '../layout.js';
import { configValueIn, environmentNames, type Manifest, parseTemplate, type SecretMount, swarmTemplate, templateParts } from '../manifest/index.js';
import { contentDigest, rollingName } from './config-digests.js';

/** The Go template of each templated secret for each Swarm environment (see manifest/template.ts). */
export function secretTemplateFiles(manifest: Manifest): { path: string; content: string }[] {
  return environmentNames(manifest)
    .filter((environment) => manifest.environments[environment]!.target === 'swarm')
    .flatMap((environment) =>
      Object.keys(manifest.secrets)
        .filter((name) => manifest.secrets[name]!.template !== undefined)
        .map((name) => ({ path: secretTemplateFile(environment, name), content: swarmTemplateText(manifest, name, environment) })),
    );
}

export function swarmTemplateText(manifest: Manifest, secret: string, environment: string): string {
  const value = (key: string): string | undefined => {
    const setting = manifest.config[key];
    return setting === undefined ? undefined : configValueIn(setting, environment);
  };
  return swarmTemplate(parseTemplate(manifest.secrets[secret]!.template!), value);
}

/** The Swarm name of a templated secret: Swarm secrets are immutable, so a changed template deploys as a new one. */
export function templatedSecretName(manifest: Manifest, secret: string, environment: string): string {
  return rollingName(manifest.name, secret, contentDigest(swarmTemplateText(manifest, secret, environment)));
}

/**
 * The engine fills `{{ secret "x" }}` from the secrets attached to the task under the target x,
 * so every service that mounts a templated secret also gets its parts, each under its own name.
 */
export function withTemplateParts(manifest: Manifest, mounts: SecretMount[]): SecretMount[] {
  const result = [...mounts];
  for (const mount of mounts) {
    for (const part of templateParts(manifest, mount.secret)) {
      if (!result.some((other) => other.target === part)) result.push({ secret: part, target: part, mode: '0400' });
    }
  }
  return result;
}
