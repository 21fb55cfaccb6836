import { argAndEnvEntries } from '../../dockerfile/index.js';
import { dockerfileSetting, judgeSetting, verdictMessage } from '../../judge/index.js';
import type { Rule, RuleFinding } from '../rule.js';

/**
 * ARG and ENV of the Dockerfile each service builds, ONBUILD ones included. A secret-named ARG
 * is reported even without a default: whatever is passed to it stays in the image history.
 * A Dockerfile built by several services is reported once per service.
 */
export const secretInDockerfileRule: Rule = {
  id: 'secret-in-dockerfile',
  description: 'a secret in a Dockerfile ARG or ENV, which persist in the image: use a secret mount',
  severity: 'error',
  check(context) {
    const findings: RuleFinding[] = [];
    for (const { service, file, instructions } of context.dockerfiles) {
      for (const entry of argAndEnvEntries(instructions)) {
        const verdict = judgeSetting(dockerfileSetting(entry), context.judgeOptions);
        if (verdict === undefined) continue;
        findings.push({ file, line: entry.line, column: entry.column, service, key: entry.key, path: null, severity: verdict.severity, message: verdictMessage(verdict) });
      }
    }
    return findings;
  },
};
