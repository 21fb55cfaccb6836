import { originOf } from '../../yaml/index.js';
import { formatComposePath } from '../../compose/index.js';
import { judgeComposeEntry, verdictMessage } from '../../judge/index.js';
import { entryPosition } from '../entry-position.js';
import type { Rule, RuleFinding } from '../rule.js';

/**
 * Every `environment` entry of every service, in the effective configuration. An entry written
 * once in a shared anchor is one entry of each service that uses it: each gets its finding,
 * located at the anchor.
 */
export const secretInEnvironmentRule: Rule = {
  id: 'secret-in-environment',
  description: "a secret in a service's environment: by name whatever fills it, or by the format of its value",
  severity: 'error',
  check(context) {
    const findings: RuleFinding[] = [];
    for (const [service, definition] of Object.entries(context.project.model.services)) {
      const environment = definition.environment ?? {};
      for (const [name, value] of Object.entries(environment)) {
        const origin = originOf(environment, name);
        const verdict = judgeComposeEntry(context.project.projectEnv, 'environment', name, value, origin, context.judgeOptions);
        if (verdict === undefined) continue;
        const { file, line, column } = entryPosition(context, origin);
        const path = formatComposePath(['services', service, 'environment', name]);
        findings.push({ file, line, column, service, key: name, path, severity: verdict.severity, message: verdictMessage(verdict) });
      }
    }
    return findings;
  },
};
