import { configValueIn, environmentNames } from './model.js';
import type { Manifest } from './schema.js';
import { parseTemplate, referencedSecrets, renderTemplate, SWARM_SECRET_MAX_BYTES } from './template.js';

export type DevRendering =
  | { secret: string; value: string }
  /** A part has no dev value yet: the template cannot be rendered until it has. */
  | { secret: string; waitingFor: string[] }
  | { secret: string; tooLarge: number }
  /** A part urlencode cannot carry: Go's urlquery writes a space as +, which a URL's userinfo or path reads as +. */
  | { secret: string; spaceIn: string };

/**
 * Every templated secret rendered with the dev values of its parts (`devValue` reads
 * secrets/<name>.txt, or what setup is about to write there) and the config of the Compose
 * environments, which the manifest rules keep equal for every config a template uses.
 * None without a Compose environment: nothing reads secrets/ then.
 */
export function renderDevTemplates(manifest: Manifest, devValue: (secret: string) => string | undefined): DevRendering[] {
  const compose = environmentNames(manifest).find((environment) => manifest.environments[environment]!.target === 'compose');
  if (compose === undefined) return [];
  const renderings: DevRendering[] = [];
  for (const [secret, { template }] of Object.entries(manifest.secrets)) {
    if (template === undefined) continue;
    const parts = parseTemplate(template);
    const values = new Map(referencedSecrets(parts).map((part) => [part, devValue(part)]));
    const waitingFor = [...values].filter(([, value]) => value === undefined).map(([part]) => part);
    if (waitingFor.length > 0) {
      renderings.push({ secret, waitingFor });
      continue;
    }
    const spaced = parts.find((part) => part.kind === 'secret' && part.urlencode && values.get(part.name)!.includes(' '));
    if (spaced !== undefined && spaced.kind === 'secret') {
      renderings.push({ secret, spaceIn: spaced.name });
      continue;
    }
    const value = renderTemplate(parts, {
      config: (key) => (manifest.config[key] === undefined ? undefined : configValueIn(manifest.config[key]!, compose)),
      secret: (part) => values.get(part)!,
    });
    const bytes = Buffer.byteLength(value, 'utf8');
    renderings.push(bytes > SWARM_SECRET_MAX_BYTES ? { secret, tooLarge: bytes } : { secret, value });
  }
  return renderings;
}
