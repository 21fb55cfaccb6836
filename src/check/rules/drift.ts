import { resolve } from 'node:path';
import { LineIndex } from '../../yaml/index.js';
import type { Rule, RuleFinding } from '../rule.js';

/**
 * The files `planes generate` writes, compared with what is on disk: a hand edit or a manifest
 * change without a generate would otherwise ship a stack the manifest does not describe.
 */
export const driftRule: Rule = {
  id: 'drift',
  description: 'a generated file (compose files, config/*.env, secrets/*.example, the .gitignore entry) differs from what the manifest generates, or a templated secret from what its template renders',
  severity: 'error',
  check(context) {
    if (context.manifest === undefined) return [];
    const { file: manifestFile, root, stale, staleRenderings } = context.manifest;
    const findings: RuleFinding[] = [];
    for (const { path, content, current } of stale) {
      const file = context.display(resolve(root, path));
      const { line, column } = current === undefined ? { line: 1, column: 1 } : new LineIndex(current, file).position(firstDifference(current, content));
      const message = current === undefined ? `missing: it is generated from ${manifestFile}; run planes generate` : `out of date with ${manifestFile}; run planes generate`;
      findings.push({ file, line, column, service: null, key: null, path: null, message });
    }
    for (const path of staleRenderings) {
      const message = `rendered from a template whose inputs changed since (a secret it is built from, or a config value of ${manifestFile}); run planes setup`;
      findings.push({ file: context.display(resolve(root, path)), line: 1, column: 1, service: null, key: null, path: null, message });
    }
    return findings;
  },
};

/** The offset in `current` where it stops matching `expected`: where to start editing. */
function firstDifference(current: string, expected: string): number {
  const length = Math.min(current.length, expected.length);
  let offset = 0;
  while (offset < length && current.charCodeAt(offset) === expected.charCodeAt(offset)) offset++;
  return offset;
}
