import { applyRules } from '../../../src/check/apply-rules.js';
import { buildContext } from '../../../src/check/context.js';
import type { Finding } from '../../../src/report/finding.js';
import type { Rule } from '../../../src/check/rule.js';
import { projectWith } from '../../support/project.js';

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
