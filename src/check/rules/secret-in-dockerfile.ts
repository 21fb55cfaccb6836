import { interpolate } from '../../compose/index.js';
import { argAndEnvEntries, type ArgOrEnvEntry } from '../../dockerfile/index.js';
import { judgeSetting, type Setting, verdictMessage } from '../../judge/index.js';
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
        const verdict = judgeSetting(settingOf(entry), context.judgeOptions);
        if (verdict === undefined) continue;
        findings.push({ file, line: entry.line, column: entry.column, service, key: entry.key, path: null, severity: verdict.severity, message: verdictMessage(verdict) });
      }
    }
    return findings;
  },
};

/**
 * `$VAR` and `${VAR:-default}` in a Dockerfile read build arguments, whose values are only known
 * at build time: the value judged is the one the Dockerfile gives when none is passed.
 */
function settingOf(entry: ArgOrEnvEntry): Setting {
  const place = entry.keyword === 'ARG' ? 'dockerfile-arg' : 'dockerfile-env';
  if (entry.value === undefined || !entry.value.includes('$')) return { place, name: entry.key, value: entry.value };
  const { value, references } = interpolate(entry.value, () => undefined);
  return { place, name: entry.key, value, written: { template: entry.value, references, sources: {} } };
}
