import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/finding.js';
import { runCheck } from '../../src/check/run.js';
import { UsageError } from '../../src/errors.js';
import { CORPUS, corpusComposeFiles, corpusPresent } from '../support/corpus.js';

const present = corpusPresent('conformance over ../shared/corpus');
const composeFiles = present ? corpusComposeFiles() : [];

const outcomes = { checked: 0, refused: 0, clean: 0, errors: 0, warnings: 0 };
const byRule = new Map<string, number>();
const refusals: string[] = [];

/** Every finding must point inside the file it names: a line that exists, a column on it. */
function assertInsideFiles(report: Report, cwd: string): void {
  for (const finding of report.findings) {
    const path = join(cwd, finding.file);
    expect(existsSync(path), `${finding.rule}: ${finding.file} does not exist`).toBe(true);
    if (finding.file.startsWith('container:')) continue;
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(finding.line, `${finding.file}:${finding.line}`).toBeGreaterThanOrEqual(1);
    expect(finding.line, `${finding.file}:${finding.line}`).toBeLessThanOrEqual(lines.length);
    expect(finding.column, `${finding.file}:${finding.line}:${finding.column}`).toBeGreaterThanOrEqual(1);
    expect(finding.column, `${finding.file}:${finding.line}:${finding.column}`).toBeLessThanOrEqual((lines[finding.line - 1] ?? '').length + 1);
  }
}

describe.skipIf(!present)('planes check over the 141 real compose files of ../shared/corpus', () => {
  it('finds them all', () => {
    expect(composeFiles).toHaveLength(141);
  });

  it.each(composeFiles.map((file) => [relative(CORPUS, file), file]))('%s: no crash, every finding inside its file', (_, file) => {
    const cwd = dirname(file);
    let report: Report;
    try {
      report = runCheck({ cwd, environment: {}, files: [basename(file)] }).report;
    } catch (error) {
      // Input Compose itself refuses is an exit-2 message, not a crash.
      if (!(error instanceof UsageError)) throw error;
      expect(error.message).not.toMatch(/\n\s+at /);
      outcomes.refused += 1;
      refusals.push(`${relative(CORPUS, file)}: ${error.message.split('\n')[0]}`);
      return;
    }
    assertInsideFiles(report, cwd);
    outcomes.checked += 1;
    outcomes.errors += report.summary.errors;
    outcomes.warnings += report.summary.warnings;
    if (report.findings.length === 0) outcomes.clean += 1;
    for (const finding of report.findings) byRule.set(finding.rule, (byRule.get(finding.rule) ?? 0) + 1);
  });

  afterAll(() => {
    const rules = [...byRule].sort(([a], [b]) => a.localeCompare(b)).map(([rule, count]) => `${rule} ${count}`).join(', ');
    console.log(
      [
        `corpus conformance: ${composeFiles.length} files; ${outcomes.checked} checked (${outcomes.clean} clean), ${outcomes.refused} refused with exit 2`,
        `  findings: ${outcomes.errors} errors, ${outcomes.warnings} warnings; by rule: ${rules || 'none'}`,
        ...refusals.map((line) => `  refused ${line}`),
      ].join('\n'),
    );
  });
});
