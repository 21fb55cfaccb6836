import { describe, expect, it } from 'vitest';
import { classifyName, splitNameWords } from '../../src/redact/names.js';

interface Row {
  name: string;
  secret: boolean;
  expectsPath?: boolean;
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
  { name: 'AWS_ACCESS_KEY_ID', secret: false, why: 'case 32: the key ID is judged by value' },
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

describe('classifyName', () => {
  it.each([...LEAK_CASE_NAMES, ...SECRET_NAMES, ...NOT_SECRET_NAMES])('$name → secret: $secret ($why)', (row) => {
    const verdict = classifyName(row.name);
    expect(verdict.secret).toBe(row.secret);
    expect(verdict.expectsPath).toBe(row.expectsPath ?? false);
    expect(verdict.reason).not.toBe('');
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
