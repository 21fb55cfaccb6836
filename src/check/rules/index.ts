import type { Rule } from '../rule.js';
import { INVALID_IGNORE_RULE } from '../suppress.js';
import { driftRule } from './drift.js';
import { LOAD_RULE } from './load.js';
import { schemaRule } from './schema.js';
import { secretFileRule } from './secret-file.js';
import { secretInBuildArgRule } from './secret-in-build-arg.js';
import { secretInCommandRule } from './secret-in-command.js';
import { secretInConfigRule } from './secret-in-config.js';
import { secretInDockerfileRule } from './secret-in-dockerfile.js';
import { secretInEnvFileRule } from './secret-in-env-file.js';
import { secretInEnvironmentRule } from './secret-in-environment.js';
import { secretInLabelRule } from './secret-in-label.js';
import { secretUndefinedRule } from './secret-undefined.js';
import { secretUnusedRule } from './secret-unused.js';
import { swarmCompatRule } from './swarm-compat.js';

export { LOAD_RULE };

/** Every rule of `planes check`, in the order the README documents them. */
export const RULES: readonly Rule[] = [
  secretInEnvironmentRule,
  secretInEnvFileRule,
  secretInBuildArgRule,
  secretInDockerfileRule,
  secretInLabelRule,
  secretInCommandRule,
  secretInConfigRule,
  schemaRule,
  secretUndefinedRule,
  secretUnusedRule,
  secretFileRule,
  swarmCompatRule,
  driftRule,
];

const INVALID_IGNORE: Pick<Rule, 'id' | 'description' | 'severity'> = {
  id: INVALID_IGNORE_RULE,
  description: 'a # planes-ignore comment names its rule and a reason: # planes-ignore <rule> -- <reason>',
  severity: 'error',
};

/** Every rule id a finding of `planes check` can carry, for documentation and SARIF. */
export function ruleCatalogue(): { id: string; description: string; severity: Rule['severity'] }[] {
  return [...RULES, LOAD_RULE, INVALID_IGNORE].map(({ id, description, severity }) => ({ id, description, severity }));
}
