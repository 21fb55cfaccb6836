import { type ComposePath, type ComposeService, formatComposePath } from '../../compose/index.js';
import { type Origin, originOf } from '../../yaml/index.js';
import { judgeSetting, verdictMessage, writtenIn } from '../../judge/index.js';
import { entryPosition } from '../entry-position.js';
import type { CheckContext, Rule, RuleFinding } from '../rule.js';

/**
 * Service labels, build labels and Swarm service labels (`deploy.labels`). A label's name is the
 * key a tool reads: it says a secret only by a secret word (`com.example.db.password`) or as a
 * basic-auth label (`traefik….basicauth.users`, `caddy.basicauth.<user>`), where a password
 * hash is a warning and a plain password an error. Every value is judged, against the
 * project's known secrets too.
 */
export const secretInLabelRule: Rule = {
  id: 'secret-in-label',
  description: 'a credential in a label, by its name or its value, which docker inspect shows to anyone who can list containers',
  severity: 'error',
  check(context) {
    return Object.entries(context.project.model.services).flatMap(([service, definition]) =>
      labelsOf(service, definition).flatMap((label) => judgeLabel(context, service, label)),
    );
  },
};

interface Label {
  name: string;
  value: string;
  origin: Origin | undefined;
  path: ComposePath;
}

function labelsOf(service: string, definition: ComposeService): Label[] {
  const fromMap = (labels: Record<string, string> | undefined, path: ComposePath): Label[] =>
    Object.entries(labels ?? {}).map(([name, value]) => ({ name, value, origin: originOf(labels ?? {}, name), path: [...path, name] }));
  return [
    ...fromMap(definition.labels, ['services', service, 'labels']),
    ...fromMap(definition.build?.labels, ['services', service, 'build', 'labels']),
    ...deployLabels(service, definition),
  ];
}

/** `deploy.labels` is not put in normal form by the loader: a mapping, or a list of `NAME=value`. */
function deployLabels(service: string, definition: ComposeService): Label[] {
  const deploy = definition['deploy'];
  const labels: unknown = deploy !== null && typeof deploy === 'object' ? (deploy as Record<string, unknown>)['labels'] : undefined;
  const path = (name: string): ComposePath => ['services', service, 'deploy', 'labels', name];
  if (Array.isArray(labels)) {
    return labels.flatMap((item, index): Label[] => {
      if (typeof item !== 'string') return [];
      const equals = item.indexOf('=');
      const name = equals === -1 ? item : item.slice(0, equals);
      const origin = originOf(labels, index);
      // Located and read as the loader reads a list item of `labels`: the item is the entry.
      const entry = origin === undefined ? undefined : { ...origin, key: origin.value };
      return [{ name, value: equals === -1 ? '' : item.slice(equals + 1), origin: entry, path: path(name) }];
    });
  }
  if (labels === null || typeof labels !== 'object') return [];
  return Object.entries(labels).flatMap(([name, value]): Label[] =>
    value === null || typeof value === 'object' ? [] : [{ name, value: String(value), origin: originOf(labels, name), path: path(name) }],
  );
}

function judgeLabel(context: CheckContext, service: string, label: Label): RuleFinding[] {
  const written = writtenIn(label.origin);
  const verdict = judgeSetting({ place: 'label', name: label.name, value: label.value, ...(written === undefined ? {} : { written }) }, context.judgeOptions);
  if (verdict === undefined) return [];
  const { file, line, column } = entryPosition(context, label.origin);
  return [{ file, line, column, service, key: label.name, path: formatComposePath(label.path), severity: verdict.severity, message: verdictMessage(verdict) }];
}
