import { type ComposePath, formatComposePath, type MountedResource, originOf, shownEntry } from '../../compose/index.js';
import type { SourcePosition } from '../../errors.js';
import type { CheckContext, Rule, RuleFinding } from '../rule.js';

/**
 * A service or a build that mounts a secret the project does not define: Compose refuses to
 * start it, and a misspelt name is easy to mistake for a secret that just has no value yet.
 */
export const secretUndefinedRule: Rule = {
  id: 'secret-undefined',
  description: 'a service or its build uses a secret that no top-level secrets: entry defines',
  severity: 'error',
  check(context) {
    const defined = context.project.model['secrets'];
    // A secrets: section that is not a mapping is the schema rule's to report; naming every use undefined would bury it.
    if (defined !== undefined && (defined === null || typeof defined !== 'object' || Array.isArray(defined))) return [];
    const names = new Set(Object.keys(defined ?? {}));
    const findings: RuleFinding[] = [];
    for (const [service, definition] of Object.entries(context.project.model.services)) {
      const lists: [MountedResource[] | undefined, ComposePath, string][] = [
        [definition.secrets, ['services', service, 'secrets'], service],
        [definition.build?.secrets, ['services', service, 'build', 'secrets'], `the build of ${service}`],
      ];
      for (const [mounts, path, where] of lists) {
        mounts?.forEach((mount, index) => {
          if (names.has(mount.source)) return;
          const { file, line, column } = positionOf(context, mounts, index);
          const name = shownEntry(mount.source, originOf(mount, 'source') ?? originOf(mounts, index));
          findings.push({
            file,
            line,
            column,
            service,
            key: name,
            path: formatComposePath([...path, index]),
            message: `${where} uses the secret ${name}, which no top-level secrets: entry defines; define it there (file:, environment: or external:) or correct the name`,
          });
        });
      }
    }
    return findings;
  },
};

/** The `source` as written (the whole item in the short form `- name`). */
function positionOf(context: CheckContext, mounts: MountedResource[], index: number): SourcePosition {
  const mount = mounts[index] as MountedResource;
  const position = originOf(mount, 'source')?.value ?? originOf(mounts, index)?.value;
  return position ?? { file: context.project.files[0] ?? '.', line: 1, column: 1 };
}
