/** The manifest: its schema, loading with every problem at its line, and what it says per service. */
export { loadManifest, ManifestError, parseManifest, type LoadedManifest } from './load.js';
export type { YamlPath } from './locate.js';
export { configValueIn, environmentNames, externalSecretName, isPerEnvironment, secretMounts, type SecretMount } from './model.js';
export {
  configKey,
  manifestJsonSchema,
  manifestSchema,
  PASS_THROUGH_KEYS,
  type Manifest,
  type ManifestService,
  type SecretSource,
} from './schema.js';
