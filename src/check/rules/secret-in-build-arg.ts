import { originOf } from '../../yaml/index.js';
import { formatComposePath } from '../../compose/index.js';
import { judgeComposeEntry, verdictMessage } from '../../judge/index.js';
import { entryPosition } from '../entry-position.js';
import type { Rule, RuleFinding } from '../rule.js';

/** Every `build.args` entry: a build argument stays in the image history for anyone who pulls it. */
export const secretInBuildArgRule: Rule = {
  id: 'secret-in-build-arg',
  description: 'a secret in build.args, which persist in the image history: use build.secrets',
  severity: 'error',
  check(context) {
    const findings: RuleFinding[] = [];
    for (const [service, definition] of Object.entries(context.project.model.services)) {
      const args = definition.build?.args ?? {};
      for (const [name, value] of Object.entries(args)) {
        const origin = originOf(args, name);
        const verdict = judgeComposeEntry(context.project.projectEnv, 'build-arg', name, value, origin, context.judgeOptions);
        if (verdict === undefined) continue;
        const { file, line, column } = entryPosition(context, origin);
        const path = formatComposePath(['services', service, 'build', 'args', name]);
        findings.push({ file, line, column, service, key: name, path, severity: verdict.severity, message: verdictMessage(verdict) });
      }
    }
    return findings;
  },
};
