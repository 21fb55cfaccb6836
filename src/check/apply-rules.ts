import type { Finding } from '../report/index.js';
import type { CheckContext, Rule, RuleFinding } from './rule.js';

/** Runs rules over one context; each finding gets its rule's id and, unless it says otherwise, its severity. */
export function applyRules(rules: readonly Rule[], context: CheckContext): Finding[] {
  return rules.flatMap((rule) => rule.check(context).map((finding) => complete(rule, finding)));
}

export function complete(rule: Pick<Rule, 'id' | 'severity'>, finding: RuleFinding): Finding {
  const { file, line, column, service, key, path, message } = finding;
  return { rule: rule.id, severity: finding.severity ?? rule.severity, file, line, column, service, key, path, message };
}
