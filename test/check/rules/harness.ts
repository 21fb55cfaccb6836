import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { applyRules } from '../../../src/check/apply-rules.js';
import { buildContext } from '../../../src/check/context.js';
import type { Finding } from '../../../src/check/finding.js';
import type { Rule } from '../../../src/check/rule.js';

/** A project directory holding these files (path → text). */
export function projectWith(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'planes-rule-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

export interface RunOptions {
  /** `-f` files; default: Compose's discovery. */
  files?: string[];
  /** The files are a Swarm stack file. */
  swarm?: boolean;
  /** The shell environment; default: empty, so nothing leaks in from the machine running the tests. */
  environment?: Record<string, string>;
}

/** The findings of one rule on a project made of `files`, loaded as `planes check` loads it. */
export function findingsOf(rule: Rule, files: Record<string, string>, options: RunOptions = {}): Finding[] {
  const cwd = projectWith(files);
  const { context } = buildContext({ swarm: options.swarm ?? false, ...(options.files ? { files: options.files } : {}) }, { cwd, environment: options.environment ?? {} });
  return applyRules([rule], context);
}
