import { originOf } from '../../yaml/index.js';
import { type ComposePath, formatComposePath } from '../../compose/index.js';
import type { SourcePosition } from '../../errors.js';
import type { Rule, RuleFinding } from '../rule.js';

/**
 * Every file as Compose validates it: interpolated, before files are merged. All errors are
 * reported, each where it was written.
 */
export const schemaRule: Rule = {
  id: 'schema',
  description: 'each compose file follows the Compose Specification (every error, where it was written)',
  severity: 'error',
  check(context) {
    return context.project.documents.flatMap(({ file, data, schemaProblems }) =>
      schemaProblems.map((problem): RuleFinding => {
        const at = positionOf(data, problem.path) ?? { file, line: 1, column: 1 };
        const [section, service] = problem.path;
        return {
          file: at.file,
          line: at.line,
          column: at.column,
          service: section === 'services' && typeof service === 'string' ? service : null,
          key: null,
          path: problem.path.length > 0 ? formatComposePath(problem.path) : null,
          message: problem.message,
        };
      }),
    );
  },
};

/** Where the node at `path` was written: its key in the containing mapping, or its list item. */
function positionOf(document: object, path: ComposePath): SourcePosition | undefined {
  let container: unknown = document;
  let found: SourcePosition | undefined;
  for (const segment of path) {
    if (container === null || typeof container !== 'object') break;
    const origin = originOf(container, segment);
    if (origin === undefined) break;
    found = origin.key ?? origin.value;
    container = (container as Record<string | number, unknown>)[segment];
  }
  return found;
}
