/**
 * A connection URL with a password (`postgresql://app:pw@db:5432/shop`) split for a templated
 * secret: the password becomes a secret of its own, the rest literal template text, and the
 * template `{{ secret.<part> | urlencode }}` rebuilds the URL byte for byte. The password is
 * where the judgement finds it (detectCredentials), so migrate and check agree on what it is.
 *
 * A URL the template cannot rebuild exactly stays one secret whole: urlencode is Go's
 * url.QueryEscape, so the password as written must be exactly that escaping of its value
 * (`p%40ss` is, `p@ss`, `pass!` and `%3a` are not).
 */
import { detectCredentials } from '../judge/index.js';
import { parseTemplate, renderTemplate } from '../manifest/index.js';

export interface DsnSplit {
  /** Literal text before the password: `scheme://user:`. */
  before: string;
  /** Literal text after it: `@host:port/path?query`. */
  after: string;
  /** The password as written in the URL (percent-encoded). */
  written: string;
  /** The password itself: what the part's secret file holds. */
  password: string;
}

export type DsnOutcome = { split: DsnSplit } | { whole: string };

const SCHEME_AND_USER = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^@/:\s]*:$/;

/** The parts of a URL-form DSN, or why it stays whole (undefined: no password in a URL here). */
export function splitDsn(value: string): DsnOutcome | undefined {
  const found = detectCredentials(value);
  const url = found.find((match) => match.id === 'credential-url');
  if (url === undefined) return undefined;
  if (found.length > 1) return { whole: 'it holds more than one credential' };
  const before = value.slice(0, url.start);
  const after = value.slice(url.end);
  const written = value.slice(url.start, url.end);
  if (!SCHEME_AND_USER.test(before) || !after.startsWith('@')) return { whole: 'it is not one URL of the form scheme://user:password@host' };
  if ([before, after].some((text) => text.includes('{{') || text.includes('}}'))) return { whole: 'it holds {{ or }}, which a template reads as an expression' };
  if (before.includes(written) || after.includes(written)) return { whole: 'its password also appears elsewhere in it' };
  const password = percentDecoded(written);
  if (password === undefined) return { whole: 'its password is not valid percent-encoded UTF-8' };
  // The rendering planes setup and Swarm make must be the original, byte for byte.
  if (dsnTemplateRendering(before, after, password) !== value) {
    return { whole: "its password is not written as urlencode writes it (Go's url.QueryEscape: letters, digits, - _ . ~ as they are, every other byte as %XX)" };
  }
  return { split: { before, after, written, password } };
}

/** The template text of a split DSN, its password the secret `part`. */
export function dsnTemplate(split: Pick<DsnSplit, 'before' | 'after'>, part: string): string {
  return `${split.before}{{ secret.${part} | urlencode }}${split.after}`;
}

function dsnTemplateRendering(before: string, after: string, password: string): string {
  const part = 'password';
  return renderTemplate(parseTemplate(dsnTemplate({ before, after }, part)), { config: () => undefined, secret: () => password });
}

function percentDecoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
