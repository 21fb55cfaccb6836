/**
 * Templated secrets: a secret whose value is built from other secrets and from config, such as
 * `postgresql://{{ config.POSTGRES_USER }}:{{ secret.postgres_password | urlencode }}@db/app`.
 *
 * The same template gives the same bytes in both places it is rendered:
 * - in dev, `planes setup` renders it into secrets/<name>.txt (Compose ignores template_driver);
 * - in Swarm, the stack file holds it as a Go template (`template_driver: golang`) with the config
 *   values written in and each secret as `{{ secret "<name>" }}`, which the engine fills on the
 *   node from the secrets attached to the task: no service spec holds the rendered value.
 * `urlencode` is Go's `urlquery` (url.QueryEscape), byte for byte.
 */

export type TemplatePart =
  | { kind: 'literal'; text: string }
  | { kind: 'config' | 'secret'; name: string; urlencode: boolean; column: number };

/** Swarm refuses a secret larger than this; a rendering past it could not be delivered either. */
export const SWARM_SECRET_MAX_BYTES = 500 * 1024;

const REFERENCE = /\{\{\s*(config|secret)\.([A-Za-z_][A-Za-z0-9_.-]*)\s*(\|\s*urlencode\s*)?\}\}/y;
const SYNTAX_HINT = 'write {{ config.NAME }} or {{ secret.NAME }}, optionally followed by | urlencode';

export class TemplateSyntaxError extends Error {}

/** The parts of a template; throws TemplateSyntaxError for anything between {{ and }} it does not know. */
export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let at = 0;
  for (let open = template.indexOf('{{'); open !== -1; open = template.indexOf('{{', at)) {
    if (open > at) parts.push({ kind: 'literal', text: template.slice(at, open) });
    REFERENCE.lastIndex = open;
    const match = REFERENCE.exec(template);
    if (match === null) throw new TemplateSyntaxError(`the template has an expression planes does not know at character ${open + 1}; ${SYNTAX_HINT}`);
    parts.push({ kind: match[1] as 'config' | 'secret', name: match[2]!, urlencode: match[3] !== undefined, column: open + 1 });
    at = REFERENCE.lastIndex;
  }
  if (at < template.length) parts.push({ kind: 'literal', text: template.slice(at) });
  if (parts.some((part) => part.kind === 'literal' && part.text.includes('}}'))) {
    throw new TemplateSyntaxError(`the template has a }} that closes no expression; ${SYNTAX_HINT}`);
  }
  return parts;
}

export interface TemplateInputs {
  config(name: string): string | undefined;
  secret(name: string): string;
}

/** The rendered value, as the engine renders the stack file's Go template for the same inputs. */
export function renderTemplate(parts: readonly TemplatePart[], inputs: TemplateInputs): string {
  return parts
    .map((part) => {
      if (part.kind === 'literal') return part.text;
      const value = part.kind === 'config' ? (inputs.config(part.name) ?? '') : inputs.secret(part.name);
      return part.urlencode ? queryEscape(value) : value;
    })
    .join('');
}

/**
 * The Go template the engine renders on the node: config values written in (they are known when
 * the stack file is generated, and not secret), each secret a `secret` call on the target it is
 * attached under, which is its name.
 */
export function swarmTemplate(parts: readonly TemplatePart[], config: (name: string) => string | undefined): string {
  return parts
    .map((part) => {
      if (part.kind === 'literal') return part.text;
      if (part.kind === 'secret') return `{{ secret ${JSON.stringify(part.name)}${part.urlencode ? ' | urlquery' : ''} }}`;
      const value = config(part.name) ?? '';
      return part.urlencode ? queryEscape(value) : value;
    })
    .join('');
}

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/** Go's url.QueryEscape: unreserved bytes kept, a space as +, every other byte as %XX. */
export function queryEscape(text: string): string {
  let escaped = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const character = String.fromCharCode(byte);
    if (byte < 0x80 && UNRESERVED.test(character)) escaped += character;
    else if (byte === 0x20) escaped += '+';
    else escaped += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return escaped;
}

/** Secret references of a template, in order, each once. */
export function referencedSecrets(parts: readonly TemplatePart[]): string[] {
  return [...new Set(parts.flatMap((part) => (part.kind === 'secret' ? [part.name] : [])))];
}
