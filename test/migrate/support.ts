import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { migrate, type MigrationReport } from '../../src/migrate/index.js';
import { planMigration, type MigrationPlan } from '../../src/migrate/plan.js';
import type { LocalImageLookup } from '../../src/migrate/process.js';
import { readSource } from '../../src/migrate/source.js';

/** A directory holding these files (path → text). */
export function projectWith(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'planes-migrate-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** The plan for a compose project made of `files`, as if migrated to `<root>/out`. */
export function planOf(files: Record<string, string>, lookup?: LocalImageLookup): MigrationPlan & { root: string } {
  const root = projectWith(files);
  const source = readSource({ cwd: root, environment: {} });
  return { ...planMigration(source, { outDir: join(root, 'out'), ...(lookup ? { lookup } : {}) }), root };
}

export interface ManifestService {
  image: string;
  build?: Record<string, unknown>;
  config?: string[];
  secrets?: Record<string, { env?: string; target?: string } | null>;
  [key: string]: unknown;
}

export function servicesOf(plan: MigrationPlan): Record<string, ManifestService> {
  return plan.manifest['services'] as Record<string, ManifestService>;
}

export function blockers(plan: { reviews: MigrationReport['reviews'] }): string[] {
  return plan.reviews.filter((item) => item.level === 'blocker').map((item) => item.message);
}

/** Migrates the project in `root` into a new `<root>/out`. */
export function migrated(root: string, options: { files?: string[]; dryRun?: boolean; force?: boolean; out?: string } = {}): MigrationReport {
  return migrate({ cwd: root, environment: {}, out: options.out ?? 'out', dryRun: options.dryRun ?? false, force: options.force ?? false, ...(options.files ? { files: options.files } : {}) });
}

export function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1))
    .sort();
}

export function yamlOf(text: string): Record<string, unknown> {
  return parse(text) as Record<string, unknown>;
}
