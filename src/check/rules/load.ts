import type { Rule } from '../rule.js';

/**
 * What stops a project from being read as Compose reads it, reported instead of aborting:
 * a missing env_file, an interpolation error, a build without its Dockerfile. The runner
 * files these under this rule; it has no check of its own.
 */
export const LOAD_RULE: Pick<Rule, 'id' | 'description' | 'severity'> = {
  id: 'load',
  description: 'the project reads as Compose would read it: env files, interpolation, Dockerfiles',
  severity: 'error',
};
