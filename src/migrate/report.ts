/**
 * What `planes migrate` tells the user: every setting with where it was, its plane, where it
 * lands and why, and every judgement call a human should review. Values appear only as
 * describeValue shows them.
 */
import { formatPosition, type SourcePosition } from '../errors.js';

export type PlaneLabel = 'config' | 'build arg' | 'secret' | 'build secret' | 'secret path' | 'left out';

export interface SettingRow {
  service: string;
  key: string;
  where: SourcePosition;
  plane: PlaneLabel;
  /** Where it is now: the env file, or the secret file and how the service reads it. */
  lands: string;
  reasons: string[];
  /** Redacted (describeValue). */
  value: string;
}

/**
 * `blocker`: the migrated project does not work as the original until a human acts (or it
 * could not be written as the original had it); `review`: it works, but a judgement was made.
 */
export interface ReviewItem {
  level: 'blocker' | 'review';
  service?: string;
  where?: SourcePosition;
  message: string;
}

export interface MigrationReport {
  /** The input files, as displayed. */
  inputs: string[];
  out: string;
  written: boolean;
  settings: SettingRow[];
  reviews: ReviewItem[];
  /** The files of the migrated project, with their mode. */
  files: { path: string; mode: number }[];
  /** What generation left out or converted for Swarm. */
  notes: string[];
}

export function isClean(report: MigrationReport): boolean {
  return report.reviews.every((item) => item.level !== 'blocker');
}

export function formatReport(report: MigrationReport): string {
  const lines: string[] = [];
  const verb = report.written ? 'migrated' : 'would migrate (dry run: nothing written)';
  lines.push(`planes migrate: ${verb} ${report.inputs.join(', ')} → ${report.out}`, '');

  lines.push('Settings:');
  let service: string | undefined;
  for (const row of report.settings) {
    if (row.service !== service) {
      service = row.service;
      lines.push(`  ${service}`);
    }
    lines.push(`    ${row.key}  (${formatPosition(row.where)})  → ${row.plane}: ${row.lands}`);
    lines.push(`        why: ${row.reasons.join('; ')}; value ${row.value}`);
  }
  if (report.settings.length === 0) lines.push('  (none)');

  for (const [level, title] of [['blocker', 'Blockers: the migrated project does not yet work as the original'], ['review', 'To review']] as const) {
    const items = report.reviews.filter((item) => item.level === level);
    if (items.length === 0) continue;
    lines.push('', `${title} (${items.length}):`);
    for (const item of items) {
      const where = item.where ? ` (${formatPosition(item.where)})` : '';
      lines.push(`  - ${item.service ? `${item.service}: ` : ''}${item.message}${where}`);
    }
  }
  if (report.notes.length > 0) lines.push('', 'Generation notes:', ...report.notes.map((note) => `  - ${note}`));

  lines.push('', report.written ? 'Files written:' : 'Files it would write:');
  for (const file of report.files) lines.push(`  ${file.path}${file.mode === 0o600 ? ' (0600)' : ''}`);
  const blockers = report.reviews.filter((item) => item.level === 'blocker').length;
  lines.push('', blockers === 0 ? 'Result: clean.' : `Result: ${blockers} blocker(s) to resolve by hand.`);
  return `${lines.join('\n')}\n`;
}
