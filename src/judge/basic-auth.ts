/**
 * Basic-auth credentials written in labels, where reverse proxies read them: Traefik's
 * `…basicauth.users` and `…digestauth.users` (`user:hash,user:hash`), Caddy's
 * `caddy.basicauth.<user>` (that user's hash), and `user:password` under a label named for
 * authentication (`com.example.auth`, `….htpasswd`). A hash is a warning — crackable offline,
 * but not the password (leak case 31); anything else is the password itself.
 */
import { Buffer } from 'node:buffer';
import { type CredentialMatch, detectCredentials, isHarmlessValue, isPlaceholder } from '../redact/index.js';
import { isVariableReference } from './command-line.js';

const BASIC_AUTH_SEGMENTS: ReadonlySet<string> = new Set(['basicauth', 'basic_auth', 'digestauth']);
/** What Traefik's basicauth and digestauth take besides `users`: none holds a credential. */
const TRAEFIK_OPTIONS: ReadonlySet<string> = new Set(['usersfile', 'realm', 'removeheader', 'headerfield']);
/** Last segments of a label name that say its value is `user:password` pairs. */
const AUTH_LIST_SEGMENTS: ReadonlySet<string> = new Set(['auth', 'basicauth', 'basic_auth', 'basic-auth', 'htpasswd']);

const PLAIN = { id: 'basic-auth-password', description: 'basic auth password in the clear (user:password)' } as const;
const DIGEST_HASH = { id: 'digest-auth-hash', description: 'digest auth password hash (user:realm:md5)' } as const;
const CADDY_BCRYPT = { id: 'base64-bcrypt-hash', description: 'bcrypt password hash, base64-encoded' } as const;

const USER = /^[^\s:,]+$/;
const DIGEST = /^[^:]*:[0-9a-f]{32}$/;
const BASE64 = /^[A-Za-z0-9+/]{40,200}={0,2}$/;
const BCRYPT = /^\$2[abxy]?\$[0-9]{2}\$[./A-Za-z0-9]{53}$/;

/** How a label name says its value holds credentials: a list of `user:credential`, one user's credential, or not at all. */
type AuthLabel = 'user-list' | 'one-user' | undefined;

function authLabel(name: string): AuthLabel {
  const segments = name.toLowerCase().split('.');
  const at = segments.findIndex((segment) => BASIC_AUTH_SEGMENTS.has(segment));
  if (at >= 0 && at < segments.length - 1) {
    const next = segments[at + 1] as string;
    if (next === 'users' && at === segments.length - 2) return 'user-list';
    // Caddy names the user after the directive: caddy.basicauth.alice.
    return TRAEFIK_OPTIONS.has(next) || next === 'users' ? undefined : 'one-user';
  }
  return AUTH_LIST_SEGMENTS.has(segments.at(-1) as string) ? 'user-list' : undefined;
}

/** Every credential of a basic-auth label, hashes as warnings; empty for any other label. */
export function basicAuthCredentials(name: string, value: string): CredentialMatch[] {
  const kind = authLabel(name);
  if (kind === 'one-user') return judged(value, 0, value.length);
  if (kind === undefined) return [];
  const found: CredentialMatch[] = [];
  let offset = 0;
  for (const entry of value.split(',')) {
    const leading = entry.length - entry.trimStart().length;
    const trimmed = entry.trim();
    const colon = trimmed.indexOf(':');
    if (colon > 0 && USER.test(trimmed.slice(0, colon))) {
      const start = offset + leading + colon + 1;
      found.push(...judged(value, start, offset + leading + trimmed.length));
    }
    offset += entry.length + 1;
  }
  return found;
}

/** The credential at value[start, end): nothing, a hash (a warning), a placeholder (a warning) or a password. */
function judged(value: string, start: number, end: number): CredentialMatch[] {
  const credential = value.slice(start, end);
  if (credential === '' || isVariableReference(credential) || isHarmlessValue(credential) || credential.startsWith('//')) return [];
  const at = (kind: { id: string; description: string }, severity: CredentialMatch['severity']): CredentialMatch[] => [{ ...kind, severity, start, end }];
  const hash = detectCredentials(credential).find((match) => match.id.endsWith('-hash') && match.start === 0 && match.end === credential.length);
  if (hash !== undefined) return [{ ...hash, start, end }];
  if (DIGEST.test(credential)) return at(DIGEST_HASH, 'warning');
  if (BASE64.test(credential) && BCRYPT.test(Buffer.from(credential, 'base64').toString('latin1'))) return at(CADDY_BCRYPT, 'warning');
  return at(PLAIN, isPlaceholder(credential) ? 'warning' : 'error');
}
