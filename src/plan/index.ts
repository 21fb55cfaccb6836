import { COMMON_ENV_FILE, environmentEnvFile, RUN_SECRETS, secretFile } from '../layout.js';
import { templatedSecretName } from '../generate/index.js';
import { configValueIn, environmentNames, externalSecretName, isPerEnvironment, type Manifest, secretMounts, templateParts } from '../manifest/index.js';

export type Plane = 'build' | 'config' | 'secret' | 'external';

export interface PlanRow {
  environment: string;
  setting: string;
  plane: Plane;
  /** Where the setting lands, in the words of the target tool. */
  lands: string;
  services: string[];
}

/** Every setting of every environment with its plane and where it lands (DESIGN.md §1). */
export function plan(manifest: Manifest): PlanRow[] {
  const rows: PlanRow[] = [];
  for (const environment of environmentNames(manifest)) {
    const { target } = manifest.environments[environment]!;
    for (const [key, value] of Object.entries(manifest.config)) {
      if (configValueIn(value, environment) === undefined) continue;
      const file = isPerEnvironment(value) ? environmentEnvFile(environment) : COMMON_ENV_FILE;
      // Env files are per environment, not per service: every service that reads config receives all of it.
      rows.push({ environment, setting: key, plane: 'config', lands: `env_file ${file}: ${key}`, services: usersOf(manifest, (s) => (s.config?.length ?? 0) > 0) });
    }
    for (const name of Object.keys(manifest.secrets)) {
      const mounts = Object.entries(manifest.services).flatMap(([service, s]) =>
        secretMounts(s).filter((m) => m.secret === name).map((m) => ({ service, ...m })),
      );
      const paths = [...new Set(mounts.map((m) => `${RUN_SECRETS}/${m.target}` + (m.env ? ` (${m.env})` : '') + (m.variable ? ` (${m.variable} inside the process, set by planes' wrapper)` : '')))].join(', ') || 'not mounted';
      const source = secretSource(manifest, name, environment);
      rows.push({ environment, setting: name, plane: target === 'swarm' ? 'external' : 'secret', lands: `${paths} <- ${source}`, services: mounts.map((m) => m.service) });
    }
    for (const [name, source] of Object.entries(manifest.build_secrets)) {
      const from = 'env' in source ? `env=${source.env}` : `src=${source.file}`;
      const lands = target === 'swarm' ? `not in the stack file; CI builds with docker buildx build --secret id=${name},${from}` : `BuildKit secret id=${name} <- ${'env' in source ? `variable ${source.env}` : `file ${source.file}`}`;
      rows.push({ environment, setting: name, plane: 'build', lands, services: usersOf(manifest, (s) => s.build?.secrets?.includes(name) ?? false) });
    }
  }
  return rows;
}

function secretSource(manifest: Manifest, name: string, environment: string): string {
  const swarm = manifest.environments[environment]!.target === 'swarm';
  const parts = templateParts(manifest, name);
  if (parts.length === 0) return swarm ? `Swarm secret ${externalSecretName(manifest, name)}` : `file ${secretFile(name)}`;
  const built = `the template of ${parts.join(', ')}`;
  return swarm ? `Swarm secret ${templatedSecretName(manifest, name, environment)}, rendered on the node from ${built}` : `file ${secretFile(name)}, rendered by planes setup from ${built}`;
}

function usersOf(manifest: Manifest, uses: (service: Manifest['services'][string]) => boolean): string[] {
  return Object.entries(manifest.services).filter(([, s]) => uses(s)).map(([name]) => name);
}

/** A plain-text table per environment. */
export function formatPlan(rows: PlanRow[]): string {
  const out: string[] = [];
  for (const environment of [...new Set(rows.map((r) => r.environment))]) {
    const own = rows.filter((r) => r.environment === environment);
    const table = [['SETTING', 'PLANE', 'SERVICES', 'LANDS'], ...own.map((r) => [r.setting, r.plane, r.services.join(',') || '-', r.lands])];
    const widths = [0, 1, 2].map((i) => Math.max(...table.map((row) => row[i]!.length)));
    out.push(`${environment}:`);
    for (const row of table) out.push('  ' + row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  ').trimEnd());
    out.push('');
  }
  return out.join('\n');
}
