import { type Origin, originOf } from '../../yaml/index.js';
import { formatComposePath } from '../../compose/index.js';
import type { SourcePosition } from '../../errors.js';
import { judgeConfigText, judgeConfigVariable, verdictMessage } from '../../judge/index.js';
import { readTextFile } from '../../fs/index.js';
import { entryPosition } from '../entry-position.js';
import type { CheckContext, Rule, RuleFinding } from '../rule.js';

/**
 * Top-level `configs`. A Docker config is no secret: `docker config inspect` shows its data to
 * anyone who can reach the Swarm, and it is mounted readable by every process of the containers
 * that use it. So a config must not be made from a secret: not from a secret-named variable
 * (`environment: DB_PASSWORD`), and with no credential — a known token format, a private key, a
 * URL with a password, a secret the project gives away elsewhere — in its `content` or in the
 * file it is read from.
 */
export const secretInConfigRule: Rule = {
  id: 'secret-in-config',
  description: 'a secret in a compose config, which docker config inspect and every container that mounts it can read',
  severity: 'error',
  check(context) {
    const configs = context.project.model['configs'];
    if (configs === null || typeof configs !== 'object' || Array.isArray(configs)) return [];
    return Object.entries(configs as Record<string, unknown>).flatMap(([name, definition]) => {
      if (definition === null || typeof definition !== 'object') return [];
      const source = definition as Record<string, unknown>;
      return [
        ...fromVariable(context, name, source),
        ...inContent(context, name, source),
        ...inFile(context, name, source),
      ];
    });
  },
};

function fromVariable(context: CheckContext, name: string, source: Record<string, unknown>): RuleFinding[] {
  const variable = source['environment'];
  if (typeof variable !== 'string') return [];
  const verdict = judgeConfigVariable(name, variable, context.project.projectEnv.lookup(variable), context.judgeOptions);
  if (verdict === undefined) return [];
  return [
    {
      ...entryPosition(context, valueOrigin(source, 'environment')),
      service: null,
      key: name,
      path: formatComposePath(['configs', name, 'environment']),
      severity: verdict.severity,
      message: verdictMessage(verdict),
    },
  ];
}

function inContent(context: CheckContext, name: string, source: Record<string, unknown>): RuleFinding[] {
  const content = source['content'];
  if (typeof content !== 'string') return [];
  const origin = valueOrigin(source, 'content');
  return judgeConfigText(name, { from: 'content' }, content, context.judgeOptions).map((verdict) => ({
    ...(inBlock(context, origin, content, verdict.offset) ?? entryPosition(context, origin)),
    service: null,
    key: name,
    path: formatComposePath(['configs', name, 'content']),
    severity: verdict.severity,
    message: verdictMessage(verdict),
  }));
}

/** The file a config is read from, each credential located in it. An unreadable file is Compose's to report. */
function inFile(context: CheckContext, name: string, source: Record<string, unknown>): RuleFinding[] {
  const path = source['file'];
  if (typeof path !== 'string') return [];
  const file = context.display(path);
  let text: string;
  try {
    text = readTextFile(path, file);
  } catch {
    return [];
  }
  return judgeConfigText(name, { from: 'file', file }, text, context.judgeOptions).map((verdict) => ({
    file,
    ...lineAndColumn(text, verdict.offset),
    service: null,
    key: name,
    path: null,
    severity: verdict.severity,
    message: verdictMessage(verdict),
  }));
}

/** Where the value of `key` was written: the whole entry, for the code frame. */
function valueOrigin(source: Record<string, unknown>, key: string): Origin | undefined {
  const origin = originOf(source, key);
  return origin === undefined ? undefined : { ...origin, key: origin.value };
}

/**
 * Where `offset` of a multi-line value was written, when the value is a literal block whose
 * lines stand in the source as they are in the value (`content: |`); otherwise undefined.
 */
function inBlock(context: CheckContext, origin: Origin | undefined, value: string, offset: number): SourcePosition | undefined {
  const start = origin?.value;
  const text = start === undefined ? undefined : context.project.sources.get(start.file);
  if (start === undefined || text === undefined) return undefined;
  const { line, column } = lineAndColumn(value, offset);
  const sourceLine = text.split('\n')[start.line - 1 + line - 1];
  const valueLine = value.split('\n')[line - 1] ?? '';
  if (sourceLine === undefined || sourceLine.slice(start.column - 1, start.column - 1 + valueLine.length) !== valueLine) return undefined;
  return { file: start.file, line: start.line + line - 1, column: start.column + column - 1 };
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}
