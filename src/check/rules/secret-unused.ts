import { formatComposePath, originOf } from '../../compose/index.js';
import type { Rule, RuleFinding } from '../rule.js';

/**
 * A secret defined at the top level that nothing mounts: often the trace of a rename, which
 * leaves a service with its old variable instead of the secret, or a secret file kept for nothing.
 */
export const secretUnusedRule: Rule = {
  id: 'secret-unused',
  description: 'a top-level secret that no service (nor any build) uses',
  severity: 'warning',
  check(context) {
    const defined = context.project.model['secrets'];
    if (defined === null || typeof defined !== 'object' || Array.isArray(defined)) return [];
    const used = new Set<string>();
    for (const service of Object.values(context.project.model.services)) {
      for (const mount of [...(service.secrets ?? []), ...(service.build?.secrets ?? [])]) used.add(mount.source);
    }
    const findings: RuleFinding[] = [];
    for (const name of Object.keys(defined)) {
      if (used.has(name)) continue;
      const origin = originOf(defined, name);
      const { file, line, column } = origin?.key ?? origin?.value ?? { file: context.project.files[0] ?? '.', line: 1, column: 1 };
      findings.push({
        file,
        line,
        column,
        service: null,
        key: name,
        path: formatComposePath(['secrets', name]),
        message: `no service or build uses the secret ${name}; mount it where it is needed (secrets: [${name}]) or remove it`,
      });
    }
    return findings;
  },
};
