import { expect } from 'vitest';
import type { Finding, Severity } from '../../../src/report/finding.js';
import type { Rule } from '../../../src/check/rule.js';
import { findingsOf, type RunOptions } from './harness.js';

/** Where a finding must point: the first character of `needle` (its `occurrence`-th time) in `file`. */
export interface Anchor {
  file: string;
  needle: string;
  /** 1-based; default 1. */
  occurrence?: number;
}

export interface Expected {
  rule: string;
  severity: Severity;
  key: string | null;
  /** null: tied to no single service (an env file several services read). */
  service: string | null;
  at: Anchor;
  /** The dotted path; default: not checked. */
  path?: string | null;
  /** Fragments the message must hold. */
  message?: string[];
}

export interface Row {
  name: string;
  files: Record<string, string>;
  options?: RunOptions;
  /** Every finding the rules must report, and nothing else. */
  expected: Expected[];
  /** Values no message may show, even in part. */
  secrets?: string[];
}

/** Runs `rules` on the row's project and checks its findings are exactly the expected ones. */
export function checkRow(rules: readonly Rule[], row: Row): Finding[] {
  const findings = rules.flatMap((rule) => findingsOf(rule, row.files, row.options));
  const unmatched = [...findings];
  for (const expected of row.expected) {
    const { line, column } = locate(row.files, expected.at);
    const index = unmatched.findIndex(
      (finding) =>
        finding.rule === expected.rule &&
        finding.key === expected.key &&
        finding.service === expected.service &&
        finding.file === expected.at.file &&
        finding.line === line &&
        finding.column === column,
    );
    expect(index, `${row.name}: no ${expected.rule} finding on ${String(expected.key)} [${expected.service}] at ${expected.at.file}:${line}:${column} among ${describe(unmatched)}`).toBeGreaterThanOrEqual(0);
    const [finding] = unmatched.splice(index, 1) as [Finding];
    expect(finding.severity, `${row.name}: ${finding.message}`).toBe(expected.severity);
    if (expected.path !== undefined) expect(finding.path).toBe(expected.path);
    for (const fragment of expected.message ?? []) expect(finding.message).toContain(fragment);
  }
  expect(unmatched, `${row.name}: unexpected findings`).toEqual([]);
  for (const finding of findings) {
    for (const secret of row.secrets ?? []) expect(leaks(finding.message, secret), `${row.name}: "${finding.message}" shows part of a secret`).toBe(false);
  }
  return findings;
}

/** Line and column (1-based) of an anchor. */
export function locate(files: Record<string, string>, anchor: Anchor): { line: number; column: number } {
  const text = files[anchor.file];
  if (text === undefined) throw new Error(`no file ${anchor.file} in the row`);
  let offset = -1;
  for (let seen = 0; seen < (anchor.occurrence ?? 1); seen++) {
    offset = text.indexOf(anchor.needle, offset + 1);
    if (offset === -1) throw new Error(`${anchor.needle} does not occur ${anchor.occurrence ?? 1} time(s) in ${anchor.file}`);
  }
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1) as string).length + 1 };
}

/**
 * Whether a message shows a secret, or any 8 characters of it: redaction shows at most two
 * characters at each end, so a longer run can only be a leak.
 */
export function leaks(message: string, secret: string): boolean {
  const window = Math.min(8, secret.length);
  for (let start = 0; start + window <= secret.length; start++) {
    if (message.includes(secret.slice(start, start + window))) return true;
  }
  return false;
}

function describe(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'no findings';
  return findings.map((finding) => `${finding.rule} ${String(finding.key)} [${String(finding.service)}] ${finding.file}:${finding.line}:${finding.column}`).join('; ');
}

/** A compose file of one service with these lines under it (indented by the caller). */
export function service(name: string, body: string): string {
  return `services:\n  ${name}:\n    image: example/${name}\n${body}`;
}
