/** The manifest: its schema, loading with every problem at its line, and what it says per service. */
export { loadManifest, ManifestError, parseManifest, type LoadedManifest } from './load.js';
export type { YamlPath } from './locate.js';
export { configValueIn, environmentNames, externalSecretName, isPerEnvironment, secretMounts, templateParts, type SecretMount } from './model.js';
export { renderDevTemplates, type DevRendering } from './dev-templates.js';
export { lacksShell } from './image-shell.js';
export { parseTemplate, renderTemplate, swarmTemplate, SWARM_SECRET_MAX_BYTES, type TemplateInputs } from './template.js';
export {
  configKey,
  manifestJsonSchema,
  manifestSchema,
  PASS_THROUGH_KEYS,
  type Manifest,
  type ManifestService,
  type SecretSource,
} from './schema.js';
