/**
 * Name-based secret detection (DESIGN.md §4 "What is a secret", name-based).
 *
 * A name is split into lower-case words, so matching is word-based: BYPASS, COMPASS and
 * PASSENGER never match `pass`. A name is a secret when it contains a secret term and the
 * words after the last one do not turn it into a name *about* a secret (POSTGRES_PASSWORD_FILE,
 * TOKEN_TTL), and no flag word before it does (ALLOW_EMPTY_PASSWORD).
 *
 * Besides yes or no, a name says how to read its value: key material may be given as a path
 * (REDIS_TLS_KEY=/certs/redis.key), a connection string's userinfo is a password slot
 * (SPRING_DATASOURCE=app:pw@db), a digest or an ID is not a key however random it looks
 * (GIT_SHA), and an access key ID is only half a credential (a warning).
 */
import { ScanCache } from './scan-cache.js';

export interface NameVerdict {
  secret: boolean;
  /**
   * How bad the secret is when it leaks: an error, or a warning for the identifier half of a
   * key pair (…_ACCESS_KEY_ID), which grants nothing alone. Meaningful only when secret.
   */
  severity: 'error' | 'warning';
  /** True when the name says its value is where a secret lives (…_FILE, …_PATH, …_DIR). */
  expectsPath: boolean;
  /** True for key material, often given as a file: REDIS_TLS_KEY=/certs/redis.key is a path, not the key. */
  pathAllowed: boolean;
  /** True when the name says its value is a connection string (…_DSN, …_DATASOURCE, …_PG_URI): its userinfo is a password slot. */
  connection: boolean;
  /** True when the name says what its value is not a secret: a digest, a commit, an ID (GIT_SHA, IMAGE_DIGEST, CLIENT_ID). */
  describesValue: boolean;
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
  /**
   * Matched at the end of a word only after one of these (DBPASS, ADMINPW): a short term as a
   * bare suffix would take BYPASS, COMPASS and GIT_ASKPASS.
   */
  suffixAfter?: readonly string[];
  /** Key material, whose variable may hold the key's path instead of the key (TLS_KEY=/certs/tls.key). */
  keyMaterial?: boolean;
  severity?: 'warning';
}

/** What comes before a run-together `pass`, `pw` or `pwd`: a store or a role (DBPASS, MYSQLPASS, ADMINPWD). */
const PASSWORD_OWNERS: readonly string[] = 'db database mysql mariadb pg postgres psql mongo redis sql mssql ldap smtp mail ftp sftp ssh admin root user app api web bind master rabbit amqp'.split(' ');

/**
 * Terms that make a name the secret itself. `key` alone is not one: CACHE_KEY, S3_KEY,
 * PARTITION_KEY and KMS_KEY_ALIAS are not credentials, so a key needs a modifier that says
 * it is one. `tokens` (plural) is not one either: MAX_TOKENS counts LLM tokens.
 */
const SECRET_TERMS: readonly SecretTerm[] = [
  { term: 'password', why: 'a password', asSuffix: true },
  { term: 'passwd', why: 'a password', asSuffix: true },
  { term: 'pass', why: 'a password (DB_PASS, SMTP_PASS, DBPASS)', suffixAfter: PASSWORD_OWNERS },
  { term: 'pwd', why: 'a password (SMTP_PWD, DBPWD); the shell variable PWD is excepted', suffixAfter: PASSWORD_OWNERS },
  { term: 'pw', why: 'a password (DB_PW, ADMINPW)', suffixAfter: PASSWORD_OWNERS },
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
  { term: 'privatekey', keyMaterial: true, why: 'a private key' },
  { term: 'private key', keyMaterial: true, why: 'a private key' },
  { term: 'privkey', keyMaterial: true, why: 'a private key' },
  { term: 'secretkey', why: 'a secret key' },
  { term: 'accesskey', why: 'an access key' },
  { term: 'access key', why: 'an access key: the secret itself in some projects, the ID beside it in others (S3_ACCESS_KEY); part of the credential either way' },
  { term: 'signing key', keyMaterial: true, why: 'a signing key' },
  { term: 'sign key', keyMaterial: true, why: 'a signing key' },
  { term: 'encryption key', keyMaterial: true, why: 'an encryption key' },
  { term: 'encrypt key', keyMaterial: true, why: 'an encryption key' },
  { term: 'decryption key', keyMaterial: true, why: 'a decryption key' },
  { term: 'session key', why: 'a session key' },
  { term: 'master key', keyMaterial: true, why: 'a master key (MEILI_MASTER_KEY)' },
  { term: 'masterkey', keyMaterial: true, why: 'a master key' },
  { term: 'license key', why: 'a licence key (NEW_RELIC_LICENSE_KEY)' },
  { term: 'licence key', why: 'a licence key' },
  { term: 'account key', why: 'a storage account key (AZURE_STORAGE_ACCOUNT_KEY)' },
  { term: 'storage key', why: 'a storage account key' },
  { term: 'shared key', why: 'a shared key' },
  { term: 'app key', why: 'an application key (Laravel APP_KEY encrypts sessions)' },
  { term: 'appkey', why: 'an application key' },
  { term: 'auth key', why: 'an authentication key' },
  { term: 'authkey', why: 'an authentication key' },
  { term: 'hmac key', keyMaterial: true, why: 'an HMAC key' },
  { term: 'jwt key', keyMaterial: true, why: 'a JWT signing key' },
  { term: 'ssh key', keyMaterial: true, why: 'an SSH private key' },
  { term: 'deploy key', keyMaterial: true, why: 'a deploy (SSH) key' },
  { term: 'tls key', keyMaterial: true, why: 'a TLS private key' },
  { term: 'ssl key', keyMaterial: true, why: 'a TLS private key' },
  { term: 'client key', keyMaterial: true, why: 'a client private key' },
  { term: 'server key', keyMaterial: true, why: 'a server key (FCM_SERVER_KEY)' },
  { term: 'subscription key', why: 'an API subscription key' },
  { term: 'role key', why: 'a privileged API key (SUPABASE_SERVICE_ROLE_KEY)' },
  { term: 'service key', why: 'a service key (SUPABASE_SERVICE_KEY, a service account key)' },
  { term: 'enc key', keyMaterial: true, why: 'an encryption key (DB_ENC_KEY, VAULT_ENC_KEY)' },
  { term: 'crypto key', keyMaterial: true, why: 'an encryption key (PG_META_CRYPTO_KEY)' },
  { term: 'cipher key', keyMaterial: true, why: 'an encryption key' },
  { term: 'aes key', keyMaterial: true, why: 'an AES key' },
  { term: 'openssl key', keyMaterial: true, why: 'an encryption key (Appwrite _APP_OPENSSL_KEY_V1)' },
  {
    term: 'access key id',
    why: 'the ID of an access key: no secret alone, but half of the credential beside its secret key (S3, MinIO)',
    severity: 'warning',
  },
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
  ...qualifiers('the shape of the secret', 'length len size bits min max minimum maximum count limit rounds cost iterations complexity strength pattern regex format encoding charset type kind mode version algorithm algo alg prefix suffix field header param parameter policy history attempts retries hint description label scheme'),
  ...qualifiers('a switch about the secret', 'enabled disabled enable disable required require optional allowed allow enforce enforced'),
  ...qualifiers('something other than the secret', 'issuer audience scope scopes command cmd template example sample placeholder through thru module plugin'),
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
const OWNED_SUFFIX_TERMS: readonly SecretTerm[] = SECRET_TERMS.filter((term) => term.suffixAfter !== undefined);

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
    for (const term of OWNED_SUFFIX_TERMS) {
      if (word.endsWith(term.term) && term.suffixAfter?.includes(word.slice(0, -term.term.length))) consider({ start: index, end: index + 1, term });
    }
  });
  return best;
}

/** Words that make a name a connection string's: its value's userinfo holds a password. */
const CONNECTION_WORDS: ReadonlySet<string> = new Set('dsn datasource connstr connectionstring connectionstrings'.split(' '));
const CONNECTION_PHRASES: ReadonlySet<string> = new Set(['data source', 'connection string', 'connection strings', 'conn str', 'conn string']);
/** Stores whose …_URL or …_URI is a connection string (DATABASE_URL, PGRST_DB_URI, MONGO_URL). */
const STORE_WORDS: ReadonlySet<string> = new Set(
  'database db pg postgres postgresql psql mysql mariadb mongo mongodb redis valkey sql mssql sqlserver oracle amqp rabbitmq broker clickhouse cassandra neo4j influx influxdb'.split(' '),
);

/**
 * Words that say what a value is when it is not a secret: a digest, a commit, an identifier, a
 * public half. A generated-looking value under such a name (GIT_SHA, IMAGE_DIGEST, CLIENT_ID,
 * VAPID_PUBLIC_KEY, org.opencontainers.image.revision) is what the name says.
 */
const DESCRIPTIVE_WORDS: ReadonlySet<string> = new Set(
  'sha sha1 sha256 sha384 sha512 md5 digest digests checksum checksums hash crc commit revision rev version ver id ids uuid guid fingerprint thumbprint signature etag tag image ref git head integrity nonce build release cert certificate ca pub public url uri path file dir host hostname domain email'.split(' '),
);

function isConnectionName(nameWords: readonly string[]): boolean {
  const last = nameWords.length - 1;
  const url = nameWords[last] === 'url' || nameWords[last] === 'uri';
  return nameWords.some(
    (word, index) =>
      CONNECTION_WORDS.has(word) || (index < last && CONNECTION_PHRASES.has(`${word} ${nameWords[index + 1]}`)) || (url && index < last && STORE_WORDS.has(word)),
  );
}

// check judges the same names in every service, rule and file; a name's verdict never changes.
const VERDICTS = new ScanCache<NameVerdict>();

/** Says whether a variable, argument or label name names a secret. */
export function classifyName(name: string): NameVerdict {
  return VERDICTS.get(name, () => Object.freeze(judgeName(name)));
}

function judgeName(name: string): NameVerdict {
  const nameWords = splitNameWords(name);
  const notSecret = (reason: string, expectsPath = false): NameVerdict => ({
    secret: false,
    severity: 'error',
    expectsPath,
    pathAllowed: false,
    connection: isConnectionName(nameWords),
    describesValue: nameWords.some((word) => DESCRIPTIVE_WORDS.has(word)),
    words: nameWords,
    reason,
  });
  const known = WELL_KNOWN_NAMES.get(name);
  if (known) return notSecret(known.reason, known.expectsPath);

  const hit = lastSecretTerm(nameWords);
  if (!hit) return notSecret('no secret word');
  const termText = `"${hit.term.term}"`;

  const flag = nameWords.slice(0, hit.start).find((word) => LEADING_FLAGS.has(word));
  if (flag !== undefined) return notSecret(`${termText} follows the flag word "${flag}": a setting about the secret`);

  const qualifier = nameWords.slice(hit.end).filter((word) => !FILLER_WORDS.has(word) && !/^[0-9]+$/.test(word)).at(-1);
  const about = qualifier === undefined ? undefined : ABOUT_QUALIFIERS.get(qualifier);
  if (qualifier !== undefined && about !== undefined) {
    return notSecret(`${termText} is qualified by "${qualifier}" (${about}): names something about the secret`, PATH_QUALIFIERS.has(qualifier));
  }
  return {
    secret: true,
    severity: hit.term.severity ?? 'error',
    expectsPath: false,
    pathAllowed: hit.term.keyMaterial === true,
    connection: false,
    describesValue: false,
    words: nameWords,
    reason: `${termText}: ${hit.term.why}`,
  };
}
