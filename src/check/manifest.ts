import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { finishInterruptedWrite, secretFileValue } from '../fs/index.js';
import { generate, staleFiles } from '../generate/index.js';
import { MANIFEST_FILE, secretFile } from '../layout.js';
import { type LoadedManifest, loadManifest, type Manifest, renderDevTemplates } from '../manifest/index.js';
import type { ProjectManifest } from './rule.js';
import { runCheck, type CheckOptions, type CheckResult } from './run.js';

/**
 * The project's manifest as the checker needs it: kept apart from the runner so that checking
 * a project without one never loads the manifest schema and the generator.
 */
export function projectManifest(cwd: string, path?: string): ProjectManifest | undefined {
  const root = resolve(cwd);
  const manifestPath = join(root, path ?? MANIFEST_FILE);
  if (path === undefined && !existsSync(manifestPath)) return undefined;
  // A write an earlier planes command left half done is finished before the generated files are compared.
  finishInterruptedWrite(root);
  return manifestForCheck(loadManifest(manifestPath, root), root);
}

export function manifestForCheck(loaded: LoadedManifest, root: string): ProjectManifest {
  return {
    file: loaded.file.split(sep).join('/'),
    root,
    stale: staleFiles(generate(loaded, root), root),
    staleRenderings: staleRenderings(loaded.manifest, root),
    environments: Object.values(loaded.manifest.environments).map(({ file, target }) => ({ file, swarm: target === 'swarm' })),
  };
}

/** Rendered dev secrets whose file differs from what their template gives now; the values are compared here and never leave. */
function staleRenderings(manifest: Manifest, root: string): string[] {
  return renderDevTemplates(manifest, (secret) => secretFileValue(root, secretFile(secret))).flatMap((rendering) => {
    if (!('value' in rendering)) return [];
    const file = secretFile(rendering.secret);
    const current = secretFileValue(root, file);
    return current !== undefined && current !== rendering.value ? [file] : [];
  });
}

/** `planes check` as the command runs it: with the project's manifest, when there is one. */
export function checkProject(options: Omit<CheckOptions, 'manifest'> & { manifestPath?: string }): CheckResult {
  const { manifestPath, ...rest } = options;
  const manifest = projectManifest(options.cwd, manifestPath);
  return runCheck({ ...rest, ...(manifest ? { manifest } : {}) });
}
