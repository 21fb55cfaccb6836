import { describe, expect, it } from 'vitest';
import { classifyName, splitNameWords } from '../../src/redact/names.js';

interface Row {
  name: string;
  secret: boolean;
  expectsPath?: boolean;
  /** For a secret name: error unless said otherwise. */
  severity?: 'error' | 'warning';
  why: string;
}

/** leak-cases.md rows whose verdict depends on the variable or label name. */
const LEAK_CASE_NAMES: Row[] = [
  { name: 'POSTGRES_PASSWORD', secret: true, why: 'cases 1-5' },
  { name: 'POSTGRES_PASSWORD_FILE', secret: false, expectsPath: true, why: 'cases 6, 7: a path slot, the value must be a path' },
  { name: 'DB_PASSWORD', secret: true, why: 'cases 8-10' },
  { name: 'MYSQL_ROOT_PASSWORD', secret: true, why: 'case 11' },
  { name: 'AUTH_ENABLED', secret: false, why: 'case 12' },
  { name: 'TOKEN_TTL', secret: false, why: 'case 12' },
  { name: 'KMS_KEY_ALIAS', secret: false, why: 'case 12' },
  { name: 'APP_BUILD', secret: false, why: 'case 13: caught by value, not name' },
  { name: 'DATABASE_URL', secret: false, why: 'cases 14-16: caught by value' },
  { name: 'REDIS_URL', secret: false, why: 'cases 17, 18' },
  { name: 'API_TOKEN', secret: true, why: 'case 19' },
  { name: 'SECRET_KEY_BASE', secret: true, why: 'case 20' },
  { name: 'DB_ENABLED', secret: false, why: 'case 21' },
  { name: 'NPM_TOKEN', secret: true, why: 'cases 22, 26' },
  { name: 'GIT_SHA', secret: false, why: 'case 23' },
  { name: 'NODE_VERSION', secret: false, why: 'case 23' },
  { name: 'GITHUB_TOKEN', secret: true, why: 'case 24' },
  { name: 'PASSWORD', secret: true, why: 'case 25' },
  { name: 'com.example.deploy', secret: false, why: 'case 30: caught by value' },
  { name: 'traefik.http.middlewares.a.basicauth.users', secret: false, why: 'case 31: the hash is a warning by value' },
  { name: 'AWS_ACCESS_KEY_ID', secret: true, severity: 'warning', why: 'case 32: the ID beside its secret key, a warning by name; an AKIA value stays an error by format' },
];

const SECRET_NAMES: Row[] = [
  { name: 'DB_PASS', secret: true, why: 'pass as a word' },
  { name: 'redisPassword', secret: true, why: 'camelCase' },
  { name: 'api-key', secret: true, why: 'dash separator' },
  { name: 'API_KEY', secret: true, why: 'api + key' },
  { name: 'APIKey', secret: true, why: 'acronym then word' },
  { name: 'apikey', secret: true, why: 'one word' },
  { name: 'OPENAI_API_KEY', secret: true, why: 'provider prefix' },
  { name: 'JWT_SECRET', secret: true, why: 'secret' },
  { name: 'AWS_SECRET_ACCESS_KEY', secret: true, why: 'secret access key' },
  { name: 'PRIVATE_KEY', secret: true, why: 'private key' },
  { name: 'client.secret', secret: true, why: 'dot separator' },
  { name: 'SMTP_PWD', secret: true, why: 'pwd as a word' },
  { name: 'DB_PW', secret: true, why: 'pw as a word' },
  { name: 'RABBITMQ_DEFAULT_PASS', secret: true, why: 'pass last' },
  { name: 'MONGO_INITDB_ROOT_PASSWORD', secret: true, why: 'official image variable' },
  { name: 'GF_SECURITY_ADMIN_PASSWORD', secret: true, why: 'official image variable' },
  { name: 'DJANGO_SECRET_KEY', secret: true, why: 'secret key' },
  { name: 'NEXTAUTH_SECRET', secret: true, why: 'secret' },
  { name: 'VAULT_TOKEN', secret: true, why: 'token' },
  { name: 'GH_PAT', secret: true, why: 'personal access token' },
  { name: 'STRIPE_SECRET_KEY', secret: true, why: 'secret key' },
  { name: 'ENCRYPTION_KEY', secret: true, why: 'encryption key' },
  { name: 'APP_KEY', secret: true, why: 'Laravel application key' },
  { name: 'MEILI_MASTER_KEY', secret: true, why: 'master key' },
  { name: 'NEW_RELIC_LICENSE_KEY', secret: true, why: 'licence key' },
  { name: 'AZURE_STORAGE_ACCOUNT_KEY', secret: true, why: 'account key' },
  { name: 'TLS_KEY', secret: true, why: 'TLS private key' },
  { name: 'SUPABASE_SERVICE_ROLE_KEY', secret: true, why: 'role key' },
  { name: 'REDIS_AUTH', secret: true, why: 'auth as the last word' },
  { name: 'NPM_CONFIG__AUTH', secret: true, why: 'npm _auth' },
  { name: 'AUTH_SALT', secret: true, why: 'WordPress salt' },
  { name: 'RABBITMQ_ERLANG_COOKIE', secret: true, why: 'Erlang cookie' },
  { name: 'GOOGLE_CREDENTIALS', secret: true, why: 'credentials' },
  { name: 'dbpassword', secret: true, why: 'no separators: password suffix' },
  { name: 'csrfToken', secret: true, why: 'camelCase token' },
  { name: 'DB_PASSWORD_PROD', secret: true, why: 'environment suffix is filler' },
  { name: 'PASSWORD2', secret: true, why: 'digit suffix is filler' },
  { name: 'ADMIN_PASSWORD_HASH', secret: true, why: 'a hash is still reported' },
  { name: 'PASSWORD_URL_ENCODED', secret: true, why: 'the last word decides, not any qualifier' },
  { name: 'spring.datasource.password', secret: true, why: 'Spring property' },
  { name: 'ConnectionStrings__Password', secret: true, why: 'ASP.NET double underscore' },
  { name: 'Pwd', secret: true, why: 'only the exact shell variable PWD is excepted' },
  { name: 'PRIVATE_KEY_PASSPHRASE', secret: true, why: 'passphrase' },
];

const NOT_SECRET_NAMES: Row[] = [
  { name: 'PASSWORD_PATH', secret: false, expectsPath: true, why: 'path' },
  { name: 'SECRETS_DIR', secret: false, expectsPath: true, why: 'dir' },
  { name: 'TLS_KEY_FILE', secret: false, expectsPath: true, why: 'file' },
  { name: 'GOOGLE_APPLICATION_CREDENTIALS', secret: false, expectsPath: true, why: 'a path by convention' },
  { name: 'TOKEN_URL', secret: false, why: 'url' },
  { name: 'CLIENT_ID', secret: false, why: 'no secret word' },
  { name: 'SECRET_NAME', secret: false, why: 'name' },
  { name: 'SECRET_ID', secret: false, why: 'id' },
  { name: 'JWT_EXPIRES_IN', secret: false, why: 'no secret word' },
  { name: 'JWT_SECRET_EXPIRES_IN', secret: false, why: 'expires, then filler' },
  { name: 'TOKEN_TTL_SECONDS', secret: false, why: 'ttl, then a unit' },
  { name: 'PASSWORD_MIN_LENGTH', secret: false, why: 'length' },
  { name: 'MAILCOW_PASS_SCHEME', secret: false, why: 'the hashing scheme (BLF-CRYPT), mailcow' },
  { name: 'JWT_TOKEN_AUTH_MODULE', secret: false, why: 'a Prosody module name, jitsi' },
  { name: 'MIN_PASSWORD_LENGTH', secret: false, why: 'length' },
  { name: 'ALLOW_EMPTY_PASSWORD', secret: false, why: 'leading allow' },
  { name: 'MYSQL_ALLOW_EMPTY_PASSWORD', secret: false, why: 'allow before the term' },
  { name: 'MYSQL_RANDOM_ROOT_PASSWORD', secret: false, why: 'random flag' },
  { name: 'PASSWORD_ENABLED', secret: false, why: 'enabled' },
  { name: 'DISABLE_AUTH', secret: false, why: 'disable flag' },
  { name: 'BYPASS', secret: false, why: 'word-based: bypass is not pass' },
  { name: 'BYPASS_CACHE', secret: false, why: 'word-based' },
  { name: 'COMPASS', secret: false, why: 'word-based' },
  { name: 'PASSENGER', secret: false, why: 'word-based' },
  { name: 'KEYCLOAK_HOST', secret: false, why: 'keycloak is not key' },
  { name: 'TOKENIZER_MODEL', secret: false, why: 'tokenizer is not token' },
  { name: 'MAX_TOKENS', secret: false, why: 'LLM token count' },
  { name: 'CACHE_KEY', secret: false, why: 'key alone is not a credential' },
  { name: 'JWT_PUBLIC_KEY', secret: false, why: 'public key' },
  { name: 'AUTH_PROVIDER', secret: false, why: 'auth not last' },
  { name: 'SSH_AUTH_SOCK', secret: false, why: 'auth not last' },
  { name: 'GIT_ASKPASS', secret: false, why: 'askpass is a program' },
  { name: 'PWD', secret: false, why: "the shell's working directory" },
  { name: 'PASS_THROUGH', secret: false, why: 'through' },
  { name: 'API_KEY_HEADER', secret: false, why: 'header' },
  { name: 'TOKEN_ENDPOINT', secret: false, why: 'endpoint' },
  { name: 'PASSWORD_POLICY', secret: false, why: 'policy' },
  { name: 'JWT_SECRET_ALGORITHM', secret: false, why: 'algorithm' },
  { name: 'SECRET_ROTATION', secret: false, why: 'rotation' },
  { name: 'SMTP_USER', secret: false, why: 'no secret word' },
  { name: 'DB_PASSWORD_USER', secret: false, why: 'user' },
  { name: 'PASSWORD_STDIN', secret: false, why: 'stdin' },
  { name: 'SECRET_ARN', secret: false, why: 'arn' },
  { name: 'KMS_REGION', secret: false, why: 'no secret word' },
  { name: 'TOKEN_TYPE', secret: false, why: 'type' },
  { name: 'SALT_ROUNDS', secret: false, why: 'rounds' },
];

/**
 * Issue 11, class 4: names missed before, each from a real project's compose file or docs
 * (the project in `why`), and the look-alikes that must stay what they were.
 */
const ISSUE_11_SECRET_NAMES: Row[] = [
  { name: 'DB_ENC_KEY', secret: true, why: 'Supabase realtime: encrypts tenant secrets' },
  { name: 'VAULT_ENC_KEY', secret: true, why: 'Supabase supavisor' },
  { name: 'CRYPTO_KEY', secret: true, why: 'Supabase postgres-meta' },
  { name: 'PG_META_CRYPTO_KEY', secret: true, why: 'Supabase .env' },
  { name: 'APP_ENC_KEY', secret: true, why: 'enc key after any prefix' },
  { name: '_APP_OPENSSL_KEY_V1', secret: true, why: 'Appwrite: openssl key, version suffix is filler' },
  { name: 'AES_KEY', secret: true, why: 'an AES key' },
  { name: 'JWT_PRIVATE_KEY', secret: true, why: 'private key (Seafile, Plane)' },
  { name: 'SUPABASE_SERVICE_KEY', secret: true, why: 'Supabase studio: the service role key' },
  { name: 'DBPASS', secret: true, why: 'run-together db + pass' },
  { name: 'MYSQLPASS', secret: true, why: 'run-together mysql + pass' },
  { name: 'ADMINPWD', secret: true, why: 'run-together admin + pwd' },
  { name: 'DBPW', secret: true, why: 'run-together db + pw' },
  { name: 'SSHPASS', secret: true, why: 'read by `sshpass -e`' },
  { name: '_APP_DB_PASS', secret: true, why: 'Appwrite' },
  { name: 'PASSWD', secret: true, why: 'passwd alone' },
  { name: 'S3_PROTOCOL_ACCESS_KEY_ID', secret: true, severity: 'warning', why: 'Supabase storage: an access key ID, a warning' },
  { name: 'STORAGE_S3_ACCESS_KEY_ID', secret: true, severity: 'warning', why: 'an access key ID, a warning' },
  { name: 'S3_PROTOCOL_ACCESS_KEY_SECRET', secret: true, why: 'Supabase storage: the secret beside it' },
  { name: 'MINIO_ACCESS_KEY', secret: true, why: 'MinIO: the ID by its docs, the secret itself in other projects: an error, as the name cannot tell' },
  { name: 'S3_ACCESS_KEY', secret: true, why: 'same as MINIO_ACCESS_KEY' },
];

const ISSUE_11_LOOK_ALIKES: Row[] = [
  { name: 'AWS_ACCESS_KEY_ID_FILE', secret: false, expectsPath: true, why: 'the file of the ID' },
  { name: 'KMS_KEY_ID', secret: false, why: 'a key ID without "access"' },
  { name: 'JWT_KEY_ID', secret: false, why: 'the kid header: id qualifies the key' },
  { name: 'PARTITION_KEY', secret: false, why: 'key alone is not a credential' },
  { name: 'S3_KEY', secret: false, why: 'an object key' },
  { name: 'ENCRYPTION_KEY_FILE', secret: false, expectsPath: true, why: 'file' },
  { name: 'ENC_KEY_LENGTH', secret: false, why: 'length' },
  { name: 'PASSPORT_STRATEGY', secret: false, why: 'passport is not pass' },
  { name: 'SURPASS', secret: false, why: 'sur is no owner of a password' },
  { name: 'ENCOMPASS_URL', secret: false, why: 'word-based' },
  { name: 'DBPASS_FILE', secret: false, expectsPath: true, why: 'file' },
  { name: 'KEYPASS', secret: false, why: 'key is not an owner of a password' },
  { name: 'SPRING_DATASOURCE_URL', secret: false, why: 'a connection string: judged by its value' },
];

describe('classifyName', () => {
  it.each([...LEAK_CASE_NAMES, ...SECRET_NAMES, ...NOT_SECRET_NAMES, ...ISSUE_11_SECRET_NAMES, ...ISSUE_11_LOOK_ALIKES])('$name → secret: $secret ($why)', (row) => {
    const verdict = classifyName(row.name);
    expect(verdict.secret).toBe(row.secret);
    expect(verdict.expectsPath).toBe(row.expectsPath ?? false);
    if (row.secret) expect(verdict.severity).toBe(row.severity ?? 'error');
    expect(verdict.reason).not.toBe('');
  });

  // Key material is often mounted and named by its path; a password never is.
  it.each([
    ['REDIS_TLS_KEY', true],
    ['TLS_KEY', true],
    ['SSL_KEY', true],
    ['JWT_PRIVATE_KEY', true],
    ['DB_ENC_KEY', true],
    ['SSH_KEY', true],
    ['POSTGRES_PASSWORD', false],
    ['API_KEY', false],
    ['GITHUB_TOKEN', false],
  ] as const)('%s may hold the path of its key: %s', (name, pathAllowed) => {
    expect(classifyName(name).pathAllowed).toBe(pathAllowed);
  });

  it.each([
    ['SPRING_DATASOURCE', true, 'Spring'],
    ['PGRST_DB_URI', true, 'PostgREST (Supabase)'],
    ['DB_PG_URI', true, 'issue 11'],
    ['SENTRY_DSN', true, 'a DSN; without a password it is fine'],
    ['DATA_SOURCE_NAME', true, 'postgres_exporter'],
    ['GOTRUE_DB_DATABASE_URL', true, 'Supabase auth'],
    ['DATABASE_URL', true, 'the convention'],
    ['MONGO_URL', true, 'a store before url'],
    ['ConnectionStrings__Default', true, 'ASP.NET'],
    ['GOTRUE_SITE_URL', false, 'a site, not a store'],
    ['API_EXTERNAL_URL', false, 'Supabase: a public URL'],
    ['REDIS_HOST', false, 'a host'],
  ] as const)('%s names a connection string: %s (%s)', (name, connection, _source) => {
    expect(classifyName(name).connection).toBe(connection);
  });

  it.each([
    ['GIT_SHA', true],
    ['org.opencontainers.image.revision', true],
    ['IMAGE_DIGEST', true],
    ['VAPID_PUBLIC_KEY', true],
    ['CLIENT_ID', true],
    ['NODE_CHECKSUM', true],
    ['gitHead', true],
    ['LIVEKIT_KEYS', false],
    ['APP_CONFIG', false],
    ['com.example.deploy', false],
  ] as const)('%s says what its value is, so no randomness makes it a secret: %s', (name, describesValue) => {
    expect(classifyName(name).describesValue).toBe(describesValue);
  });

  it('explains a secret verdict by its term', () => {
    expect(classifyName('POSTGRES_PASSWORD').reason).toContain('"password"');
  });

  it('explains a qualified name by its qualifier', () => {
    expect(classifyName('TOKEN_TTL').reason).toContain('"ttl"');
  });
});

describe('splitNameWords', () => {
  it.each([
    ['POSTGRES_PASSWORD', ['postgres', 'password']],
    ['redisPassword', ['redis', 'password']],
    ['APIKey', ['api', 'key']],
    ['client.secret', ['client', 'secret']],
    ['api-key', ['api', 'key']],
    ['OAUTH2_TOKEN', ['oauth', '2', 'token']],
    ['S3Secret', ['s', '3', 'secret']],
    ['NPM_CONFIG__AUTH', ['npm', 'config', 'auth']],
    ['', []],
  ])('%s', (name, words) => {
    expect(splitNameWords(name)).toEqual(words);
  });
});
