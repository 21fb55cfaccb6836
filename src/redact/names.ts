/**
 * Name-based secret detection (DESIGN.md §4 "What is a secret", name-based).
 *
 * A name is split into lower-case words, so matching is word-based: BYPASS, COMPASS and
 * PASSENGER never match `pass`. A name is a secret when it contains a secret term and the
 * words after the last one do not turn it into a name *about* a secret (POSTGRES_PASSWORD_FILE,
 * TOKEN_TTL, AWS_ACCESS_KEY_ID), and no flag word before it does (ALLOW_EMPTY_PASSWORD).
 */

export interface NameVerdict {
  secret: boolean;
  /** True when the name says its value is where a secret lives (…_FILE, …_PATH, …_DIR). */
  expectsPath: boolean;
  words: string[];
  reason: string;
}

interface SecretTerm {
  /** Space-separated words, matched against consecutive words of the name. */
  term: string;
  why: string;
  /** Only a secret as the name's last word: AUTH alone is a credential, AUTH_PROVIDER is not. */
  lastOnly?: boolean;
  /** Also matched at the end of a word, for names written without separators (dbpassword). */
  asSuffix?: boolean;
}

/**
 * Terms that make a name the secret itself. `key` alone is not one: CACHE_KEY, S3_KEY,
 * PARTITION_KEY and KMS_KEY_ALIAS are not credentials, so a key needs a modifier that says
 * it is one. `tokens` (plural) is not one either: MAX_TOKENS counts LLM tokens.
 */
const SECRET_TERMS: readonly SecretTerm[] = [
  { term: 'password', why: 'a password', asSuffix: true },
  { term: 'passwd', why: 'a password', asSuffix: true },
  { term: 'pass', why: 'a password (DB_PASS, SMTP_PASS)' },
  { term: 'pwd', why: 'a password (SMTP_PWD); the shell variable PWD is excepted' },
  { term: 'pw', why: 'a password (DB_PW)' },
  { term: 'pswd', why: 'a password' },
  { term: 'passphrase', why: 'a passphrase', asSuffix: true },
  { term: 'passcode', why: 'a passcode' },
  { term: 'secret', why: 'a secret (JWT_SECRET, CLIENT_SECRET)', asSuffix: true },
  { term: 'secrets', why: 'a bundle of secrets' },
  { term: 'token', why: 'a token (GITHUB_TOKEN, ACCESS_TOKEN)', asSuffix: true },
  { term: 'credential', why: 'a credential', asSuffix: true },
  { term: 'credentials', why: 'credentials', asSuffix: true },
  { term: 'cred', why: 'a credential' },
  { term: 'creds', why: 'credentials' },
  { term: 'pat', why: 'a personal access token (GH_PAT)' },
  { term: 'auth', why: 'credentials for authentication (REDIS_AUTH, NPM_CONFIG__AUTH)', lastOnly: true },
  { term: 'salt', why: 'a secret salt (WordPress AUTH_SALT)' },
  { term: 'pepper', why: 'a secret pepper' },
  { term: 'mnemonic', why: 'a wallet seed phrase' },
  { term: 'erlang cookie', why: 'the Erlang distribution secret (RABBITMQ_ERLANG_COOKIE)' },
  { term: 'apikey', why: 'an API key', asSuffix: true },
  { term: 'api key', why: 'an API key' },
  { term: 'privatekey', why: 'a private key' },
  { term: 'private key', why: 'a private key' },
  { term: 'privkey', why: 'a private key' },
  { term: 'secretkey', why: 'a secret key' },
  { term: 'accesskey', why: 'an access key' },
  { term: 'access key', why: 'an access key (…_ID names the identifier, not the key)' },
  { term: 'signing key', why: 'a signing key' },
  { term: 'sign key', why: 'a signing key' },
  { term: 'encryption key', why: 'an encryption key' },
  { term: 'encrypt key', why: 'an encryption key' },
  { term: 'decryption key', why: 'a decryption key' },
  { term: 'session key', why: 'a session key' },
  { term: 'master key', why: 'a master key (MEILI_MASTER_KEY)' },
  { term: 'masterkey', why: 'a master key' },
  { term: 'license key', why: 'a licence key (NEW_RELIC_LICENSE_KEY)' },
  { term: 'licence key', why: 'a licence key' },
  { term: 'account key', why: 'a storage account key (AZURE_STORAGE_ACCOUNT_KEY)' },
  { term: 'storage key', why: 'a storage account key' },
  { term: 'shared key', why: 'a shared key' },
  { term: 'app key', why: 'an application key (Laravel APP_KEY encrypts sessions)' },
  { term: 'appkey', why: 'an application key' },
  { term: 'auth key', why: 'an authentication key' },
  { term: 'authkey', why: 'an authentication key' },
  { term: 'hmac key', why: 'an HMAC key' },
  { term: 'jwt key', why: 'a JWT signing key' },
  { term: 'ssh key', why: 'an SSH private key' },
  { term: 'deploy key', why: 'a deploy (SSH) key' },
  { term: 'tls key', why: 'a TLS private key' },
  { term: 'ssl key', why: 'a TLS private key' },
  { term: 'client key', why: 'a client private key' },
  { term: 'server key', why: 'a server key (FCM_SERVER_KEY)' },
  { term: 'subscription key', why: 'an API subscription key' },
  { term: 'role key', why: 'a privileged API key (SUPABASE_SERVICE_ROLE_KEY)' },
];

/**
 * Words that, as the last meaningful word after the secret term, say the name is *about* a
 * secret. `hash` is deliberately absent: PASSWORD_HASH holds a crackable hash, still reported.
 */
const ABOUT_QUALIFIERS: ReadonlyMap<string, string> = new Map([
  ...qualifiers('where the secret is', 'file files path dir directory folder'),
  ...qualifiers('how the secret is read', 'stdin fd'),
  ...qualifiers('how to reach or name the secret', 'url uri endpoint host hostname port id ids name names alias arn region ref env var variable provider source backend'),
  ...qualifiers('who uses the secret', 'user username'),
  ...qualifiers('how long the secret lives', 'ttl expire expires expiry expiration exp lifetime age duration interval timeout validity rotation rotate'),
  ...qualifiers('the shape of the secret', 'length len size bits min max minimum maximum count limit rounds cost iterations complexity strength pattern regex format encoding charset type kind mode version algorithm algo alg prefix suffix field header param parameter policy history attempts retries hint description label'),
  ...qualifiers('a switch about the secret', 'enabled disabled enable disable required require optional allowed allow enforce enforced'),
  ...qualifiers('something other than the secret', 'issuer audience scope scopes command cmd template example sample placeholder through thru'),
]);

/** Qualifiers that say the value is a path to the secret. */
const PATH_QUALIFIERS: ReadonlySet<string> = new Set(['file', 'files', 'path', 'dir', 'directory', 'folder']);

/**
 * Words skipped when looking for the qualifier: units, environments and version numbers
 * (JWT_EXPIRES_IN, TOKEN_TTL_SECONDS, DB_PASSWORD_PROD, TOKEN_URL_V2).
 */
const FILLER_WORDS: ReadonlySet<string> = new Set(
  'in at s ms sec secs seconds mins minutes h hours d days b bytes chars v prod production dev development staging stage test qa local old new current next previous primary secondary'.split(' '),
);

/** Flag words before the secret term (ALLOW_EMPTY_PASSWORD, MYSQL_RANDOM_ROOT_PASSWORD, MAX_TOKEN). */
const LEADING_FLAGS: ReadonlySet<string> = new Set(
  'allow empty random generate require enable disable skip use no min max num'.split(' '),
);

/** Whole names with a conventional meaning that their words do not tell. */
const WELL_KNOWN_NAMES: ReadonlyMap<string, { expectsPath: boolean; reason: string }> = new Map([
  ['PWD', { expectsPath: false, reason: "the shell's working directory" }],
  ['GOOGLE_APPLICATION_CREDENTIALS', { expectsPath: true, reason: 'holds the path of a credentials file by convention' }],
]);

function qualifiers(why: string, list: string): Array<[string, string]> {
  return list.split(' ').map((word) => [word, why]);
}

const TERMS_BY_FIRST_WORD: ReadonlyMap<string, ReadonlyArray<{ words: string[]; term: SecretTerm }>> = (() => {
  const index = new Map<string, Array<{ words: string[]; term: SecretTerm }>>();
  for (const term of SECRET_TERMS) {
    const termWords = term.term.split(' ');
    const first = termWords[0] as string;
    const entries = index.get(first) ?? [];
    entries.push({ words: termWords, term });
    index.set(first, entries);
  }
  return index;
})();

const SUFFIX_TERMS: readonly SecretTerm[] = SECRET_TERMS.filter((term) => term.asSuffix);

const SEPARATORS = /[^A-Za-z0-9]+/;
// An upper-case run not followed by lower case (API in APIKey), a capitalised or lower-case word, or digits.
const WORD_PARTS = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g;

/** Splits on `_`, `-`, `.`, any other punctuation, camelCase and digit boundaries; lower-cases. */
export function splitNameWords(name: string): string[] {
  const result: string[] = [];
  for (const chunk of name.split(SEPARATORS)) {
    for (const part of chunk.match(WORD_PARTS) ?? []) result.push(part.toLowerCase());
  }
  return result;
}

interface TermHit {
  start: number;
  end: number;
  term: SecretTerm;
}

function lastSecretTerm(nameWords: readonly string[]): TermHit | undefined {
  let best: TermHit | undefined;
  const consider = (hit: TermHit): void => {
    if (!best || hit.end > best.end || (hit.end === best.end && hit.start < best.start)) best = hit;
  };
  nameWords.forEach((word, index) => {
    for (const candidate of TERMS_BY_FIRST_WORD.get(word) ?? []) {
      const end = index + candidate.words.length;
      if (end > nameWords.length) continue;
      if (!candidate.words.every((termWord, offset) => nameWords[index + offset] === termWord)) continue;
      if (candidate.term.lastOnly && end !== nameWords.length) continue;
      consider({ start: index, end, term: candidate.term });
    }
    for (const term of SUFFIX_TERMS) {
      if (word.length > term.term.length && word.endsWith(term.term)) consider({ start: index, end: index + 1, term });
    }
  });
  return best;
}

/** Says whether a variable, argument or label name names a secret. */
export function classifyName(name: string): NameVerdict {
  const nameWords = splitNameWords(name);
  const known = WELL_KNOWN_NAMES.get(name);
  if (known) return { secret: false, expectsPath: known.expectsPath, words: nameWords, reason: known.reason };

  const hit = lastSecretTerm(nameWords);
  if (!hit) return { secret: false, expectsPath: false, words: nameWords, reason: 'no secret word' };
  const termText = `"${hit.term.term}"`;

  const flag = nameWords.slice(0, hit.start).find((word) => LEADING_FLAGS.has(word));
  if (flag !== undefined) {
    return { secret: false, expectsPath: false, words: nameWords, reason: `${termText} follows the flag word "${flag}": a setting about the secret` };
  }

  const qualifier = nameWords.slice(hit.end).filter((word) => !FILLER_WORDS.has(word) && !/^[0-9]+$/.test(word)).at(-1);
  const about = qualifier === undefined ? undefined : ABOUT_QUALIFIERS.get(qualifier);
  if (qualifier !== undefined && about !== undefined) {
    return {
      secret: false,
      expectsPath: PATH_QUALIFIERS.has(qualifier),
      words: nameWords,
      reason: `${termText} is qualified by "${qualifier}" (${about}): names something about the secret`,
    };
  }
  return { secret: true, expectsPath: false, words: nameWords, reason: `${termText}: ${hit.term.why}` };
}
