import { type ComposePath, type ComposeService, formatComposePath } from '../../compose/index.js';
import { type Origin, originOf } from '../../yaml/index.js';
import { judgeCommandLine, verdictMessage, writtenIn } from '../../judge/index.js';
import { entryPosition } from '../entry-position.js';
import type { CheckContext, Rule, RuleFinding } from '../rule.js';

/**
 * `command`, `entrypoint` and `healthcheck.test`, string or list form: a password on a command
 * line is in the container's configuration for docker inspect, and in ps while it runs.
 */
export const secretInCommandRule: Rule = {
  id: 'secret-in-command',
  description: 'a password or token on a command line: command, entrypoint or healthcheck.test',
  severity: 'error',
  check(context) {
    return Object.entries(context.project.model.services).flatMap(([service, definition]) =>
      commandLinesOf(definition).flatMap((line) => judge(context, service, line)),
    );
  },
};

interface Field {
  /** As messages name it. */
  field: string;
  /** The mapping that holds the command line, and its key there. */
  container: object;
  key: string;
  value: string | readonly string[];
  path: ComposePath;
}

function commandLinesOf(definition: ComposeService): Field[] {
  const fields: Field[] = [];
  for (const key of ['command', 'entrypoint'] as const) {
    const value = definition[key];
    if (value !== undefined && value !== null) fields.push({ field: key, container: definition, key, value, path: [key] });
  }
  const healthcheck = definition.healthcheck;
  if (healthcheck?.test !== undefined) {
    fields.push({ field: 'healthcheck.test', container: healthcheck, key: 'test', value: healthcheck.test, path: ['healthcheck', 'test'] });
  }
  return fields;
}

function judge(context: CheckContext, service: string, line: Field): RuleFinding[] {
  const { value } = line;
  const originAt = (argument: number | null): Origin | undefined =>
    argument === null || typeof value === 'string' ? originOf(line.container, line.key) : originOf(value, argument);
  const written = typeof value === 'string' ? [writtenIn(originAt(null))] : value.map((_item, index) => writtenIn(originAt(index)));
  return judgeCommandLine({ field: line.field, value, written }, context.judgeOptions).map((verdict) => {
    const { argument } = verdict;
    const origin = originAt(argument);
    // The command line itself, not its key: the string or the list item holding the secret.
    const { file, line: at, column } = entryPosition(context, origin === undefined ? undefined : { value: origin.value });
    const path = formatComposePath(['services', service, ...line.path, ...(argument === null ? [] : [argument])]);
    return { file, line: at, column, service, key: null, path, severity: verdict.severity, message: verdictMessage(verdict) };
  });
}
