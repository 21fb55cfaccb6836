/**
 * `planes check`: the rules, the runner that loads a project and applies them, and the
 * suppression comments. The manifest support is loaded apart (./manifest.ts), see there.
 */
export { runCheck, type CheckOptions, type CheckResult } from './run.js';
export { ruleCatalogue } from './rules/index.js';
