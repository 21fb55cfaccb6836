import { join } from 'node:path';
import { parse } from 'yaml';
import { migrate, type MigrationReport } from '../../src/migrate/index.js';
import { planMigration, type MigrationPlan } from '../../src/migrate/plan.js';
import type { LocalImageLookup } from '../../src/migrate/process.js';
import { readSource } from '../../src/migrate/source.js';

import { projectWith } from '../support/project.js';

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

export function yamlOf(text: string): Record<string, unknown> {
  return parse(text) as Record<string, unknown>;
}
