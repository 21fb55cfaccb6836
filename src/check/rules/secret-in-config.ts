import { type Origin, originOf } from '../../yaml/index.js';
import { formatComposePath } from '../../compose/index.js';
import type { SourcePosition } from '../../errors.js';
import { classifyName, type CredentialMatch, describeValue, detectCredentials } from '../../judge/index.js';
import { readTextFile } from '../../fs/index.js';
import { entryPosition } from '../entry-position.js';
import type { CheckContext, Rule, RuleFinding } from '../rule.js';

/**
 * Top-level `configs`. A Docker config is no secret: `docker config inspect` shows its data to
 * anyone who can reach the Swarm, and it is mounted readable by every process of the containers
 * that use it. So a config must not be made from a secret: not from a secret-named variable
 * (`environment: DB_PASSWORD`), and with no credential — a known token format, a private key, a
 * URL with a password — in its `content` or in the file it is read from.
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

const ADVICE = 'a config is readable by docker config inspect and by every process of its containers: make it a secret (top-level secrets:, mounted under /run/secrets)';

function fromVariable(context: CheckContext, name: string, source: Record<string, unknown>): RuleFinding[] {
  const variable = source['environment'];
  if (typeof variable !== 'string') return [];
  const found = (message: string): RuleFinding[] => [
    { ...entryPosition(context, valueOrigin(source, 'environment')), service: null, key: name, path: formatComposePath(['configs', name, 'environment']), message },
  ];
  if (classifyName(variable).secret) return found(`config ${name} is made from ${variable}, a secret; ${ADVICE}`);
  const value = context.project.projectEnv.lookup(variable);
  const [match] = value === undefined ? [] : detectCredentials(value);
  if (match === undefined || value === undefined) return [];
  return found(`config ${name} is made from ${variable}, which holds a secret: ${shown(value, match)}; ${ADVICE}`);
}

function inContent(context: CheckContext, name: string, source: Record<string, unknown>): RuleFinding[] {
  const content = source['content'];
  if (typeof content !== 'string') return [];
  const origin = valueOrigin(source, 'content');
  return detectCredentials(content).map((match) => ({
    ...(inBlock(context, origin, content, match.start) ?? entryPosition(context, origin)),
    service: null,
    key: name,
    path: formatComposePath(['configs', name, 'content']),
    severity: match.severity,
    message: `the content of config ${name} holds a secret: ${shown(content, match)}; ${ADVICE}`,
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
  return detectCredentials(text).map((match) => ({
    file,
    ...lineAndColumn(text, match.start),
    service: null,
    key: name,
    path: null,
    severity: match.severity,
    message: `${file}, the file of config ${name}, holds a secret: ${shown(text, match)}; ${ADVICE}`,
  }));
}

function shown(text: string, match: CredentialMatch): string {
  return `${match.description} (${describeValue(text.slice(match.start, match.end))})`;
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
