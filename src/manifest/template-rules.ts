import { configValueIn, environmentNames, isPerEnvironment } from './model.js';
import type { YamlPath } from './locate.js';
import type { Manifest, ManifestSecret } from './schema.js';
import { parseTemplate, referencedSecrets, TemplateSyntaxError, type TemplatePart } from './template.js';

interface TemplateProblem {
  path: YamlPath;
  message: string;
}

/** Keys a templated secret cannot have: its value comes from its template alone. */
const VALUE_KEYS = ['generate', 'example', 'source', 'version'] as const;

/** Generated alphabets that need no escaping anywhere in a URL (RFC 3986 unreserved characters). */
const URL_SAFE_CHARSETS = new Set(['alphanumeric', 'hex', 'base64url']);

/** `scheme://user:password@` at the start of a template: the password must be a secret. */
const URL_USERINFO = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^@/]*)@/;

/**
 * What makes a templated secret renderable the same way in dev and in Swarm: known references,
 * no template inside another (Swarm renders one level), config values with a value in every
 * environment, and a URL that stays valid and holds no password written out.
 */
export function templateProblems(manifest: Manifest): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const [name, secret] of Object.entries(manifest.secrets)) {
    if (secret.template === undefined) continue;
    const at = (message: string, key: string = 'template'): void => void problems.push({ path: ['secrets', name, key], message });
    for (const key of VALUE_KEYS) if (secret[key] !== undefined) at(`a templated secret takes its value from its template alone; remove ${key}`, key);
    let parts: TemplatePart[];
    try {
      parts = parseTemplate(secret.template);
    } catch (error) {
      if (error instanceof TemplateSyntaxError) at(error.message);
      else throw error;
      continue;
    }
    for (const part of parts) {
      if (part.kind === 'config') {
        const problem = configReferenceProblem(manifest, part.name);
        if (problem) at(problem);
      } else if (part.kind === 'secret') {
        const problem = secretReferenceProblem(manifest, name, part.name);
        if (problem) at(problem);
      }
    }
    const url = urlProblem(manifest, secret, parts);
    if (url) at(url);
  }
  problems.push(...templatesInConfig(manifest));
  return problems;
}

function configReferenceProblem(manifest: Manifest, key: string): string | undefined {
  const value = manifest.config[key];
  if (value === undefined) return `config.${key} is not declared under config:; add it there or fix the reference`;
  const missing = environmentNames(manifest).filter((environment) => configValueIn(value, environment) === undefined);
  if (missing.length > 0) return `config.${key} has no value in ${missing.join(', ')}; give it one there, since the template is rendered in every environment`;
  const compose = environmentNames(manifest).filter((environment) => manifest.environments[environment]!.target === 'compose');
  if (new Set(compose.map((environment) => configValueIn(value, environment))).size > 1) {
    return `config.${key} differs between ${compose.join(' and ')}, which share the dev secret files that planes setup renders; give it one value there`;
  }
  const braces = environmentNames(manifest).find((environment) => configValueIn(value, environment)?.includes('{{'));
  if (braces !== undefined) return `config.${key} holds {{ in ${braces}, which the Swarm template engine would read as an expression; remove it from the value`;
  return undefined;
}

function secretReferenceProblem(manifest: Manifest, templated: string, name: string): string | undefined {
  const secret = manifest.secrets[name];
  if (secret === undefined) return `secret.${name} is not declared under secrets:; add it there or fix the reference`;
  if (name === templated) return `the template refers to its own secret ${name}`;
  if (secret.template === undefined) return undefined;
  const cycle = templateCycle(manifest, templated, name);
  if (cycle) return `the templates refer to each other in a cycle (${cycle.join(' → ')}); a template may only refer to secrets that have a value of their own`;
  return `secret.${name} is itself a template; Swarm renders one level, so a template may only refer to secrets that have a value of their own`;
}

/** The path from `to` back to `from` through template references, when there is one. */
function templateCycle(manifest: Manifest, from: string, to: string): string[] | undefined {
  const seen = new Set<string>();
  const walk = (name: string, path: string[]): string[] | undefined => {
    if (name === from) return path;
    if (seen.has(name)) return undefined;
    seen.add(name);
    const template = manifest.secrets[name]?.template;
    if (template === undefined) return undefined;
    let parts: TemplatePart[];
    try {
      parts = parseTemplate(template);
    } catch {
      return undefined;
    }
    for (const next of referencedSecrets(parts)) {
      const found = walk(next, [...path, next]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(to, [from, to]);
}

/**
 * In a URL, a secret must be escaped unless planes generates it from URL-safe characters, and
 * the password of `scheme://user:password@` must be a secret reference and nothing else.
 */
function urlProblem(manifest: Manifest, secret: ManifestSecret, parts: readonly TemplatePart[]): string | undefined {
  const userinfo = URL_USERINFO.exec(secret.template ?? '')?.[1];
  if (userinfo === undefined) return undefined;
  const colon = userinfo.indexOf(':');
  if (colon !== -1) {
    const password = userinfo.slice(colon + 1);
    const onlyReference = /^\{\{\s*secret\.[A-Za-z0-9_.-]+\s*(\|\s*urlencode\s*)?\}\}$/.test(password);
    if (!onlyReference) return "the URL's password must be one {{ secret.NAME | urlencode }} reference: a password written out or built from config would sit in the repository";
  }
  for (const part of parts) {
    if (part.kind !== 'secret' || part.urlencode) continue;
    const charset = manifest.secrets[part.name]?.generate?.charset;
    if (charset !== undefined && URL_SAFE_CHARSETS.has(charset)) continue;
    return `secret.${part.name} may hold characters a URL reserves (: / @ ? # %); write {{ secret.${part.name} | urlencode }}, or generate it from a URL-safe charset`;
  }
  return undefined;
}

/** Config is not secret: a template in a config value would write a secret into an env file. */
function templatesInConfig(manifest: Manifest): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const [key, value] of Object.entries(manifest.config)) {
    const texts = isPerEnvironment(value) ? Object.entries(value).map(([environment, text]) => ({ environment, text: String(text) })) : [{ environment: undefined, text: String(value) }];
    for (const { environment, text } of texts) {
      if (!/\{\{\s*secret\./.test(text)) continue;
      problems.push({
        path: environment === undefined ? ['config', key] : ['config', key, environment],
        message: `${key} refers to a secret, which would put the secret into an env file; declare a templated secret under secrets: (template: …) and mount it instead`,
      });
    }
  }
  return problems;
}
