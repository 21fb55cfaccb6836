import { describe, expect, it } from 'vitest';
import { interpolate } from '../../src/compose/interpolate.js';
import type { EnvSource } from '../../src/compose/index.js';
import type { Severity } from '../../src/report/finding.js';
import { judgeCommandLine, judgeSetting, secretId, verdictMessage, type CommandLine, type JudgeOptions, type KnownSecretMatch, type Place, type Setting, type Written } from '../../src/judge/index.js';
import { leaks } from '../check/rules/secret-table.js';

const GITHUB_TOKEN = 'ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5';

/** A value written as `template`, interpolated as Compose would with `variables` set. */
function written(template: string, variables: Record<string, string> = {}, sources: Record<string, EnvSource> = {}): { value: string; written: Written } {
  const { value, references } = interpolate(template, (name) => variables[name]);
  return { value, written: { template, references, sources } };
}

function setting(place: Place, name: string, template: string, variables: Record<string, string> = {}, sources: Record<string, EnvSource> = {}): Setting {
  return { place, name, ...written(template, variables, sources) };
}

const ENV = (line: number): EnvSource => ({ file: '.env', line });

/** The project's one known secret, as check would find it. */
function knownPl4nes(text: string): KnownSecretMatch | undefined {
  const start = text.indexOf('Pl4nesKnown9');
  return start < 0 ? undefined : { secret: 'MSSQL_SA_PASSWORD', start, end: start + 'Pl4nesKnown9'.length };
}

interface Row {
  name: string;
  setting: Setting;
  options?: JudgeOptions;
  /** undefined: no finding. */
  severity: Severity | undefined;
  message?: string[];
  secrets?: string[];
}

const SETTINGS: Row[] = [
  // Secret-named: an error whatever fills it.
  { name: 'secret name, literal', setting: { place: 'environment', name: 'DB_PASSWORD', value: 'quietlyVerySecret1' }, severity: 'error', message: ['DB_PASSWORD holds a secret (qu***********t1, 18 chars); mount it as a secret and pass DB_PASSWORD_FILE=/run/secrets/db_password'], secrets: ['quietlyVerySecret1'] },
  { name: 'secret name, literal in a known format names it', setting: { place: 'environment', name: 'GITHUB_TOKEN', value: GITHUB_TOKEN }, severity: 'error', message: ['GitHub token'], secrets: [GITHUB_TOKEN] },
  { name: 'secret name, ${VAR} unset', setting: setting('environment', 'DB_PASSWORD', '${DB_PASSWORD}'), severity: 'error', message: ['${DB_PASSWORD} (unset here)', "container's environment"] },
  { name: 'secret name, ${VAR} filled from .env', setting: setting('environment', 'DB_PASSWORD', '${DB_PASSWORD}', { DB_PASSWORD: 'quietlyVerySecret1' }, { DB_PASSWORD: ENV(3) }), severity: 'error', message: ['filled from .env:3'], secrets: ['quietlyVerySecret1'] },
  { name: 'secret name, ${VAR} filled from the shell', setting: setting('environment', 'DB_PASSWORD', '${DB_PASSWORD}', { DB_PASSWORD: 'quietlyVerySecret1' }), severity: 'error', message: ["filled from the shell's DB_PASSWORD"], secrets: ['quietlyVerySecret1'] },
  { name: 'secret name, ${VAR} set empty in .env: still filled at deploy time', setting: setting('environment', 'DB_PASSWORD', '${DB_PASSWORD}', { DB_PASSWORD: '' }, { DB_PASSWORD: ENV(1) }), severity: 'error', message: ['empty here, filled from .env:1'] },
  { name: 'secret name, literal default', setting: setting('environment', 'DB_PASSWORD', '${DB_PASSWORD:-devpass123}'), severity: 'error', message: ['the default written in ${DB_PASSWORD:-…}'], secrets: ['devpass123'] },
  { name: 'secret name, ${VAR:?…}', setting: setting('environment', 'DB_PASSWORD', '${DB_PASSWORD:?set it}'), severity: 'error', message: ['${DB_PASSWORD:?…}'] },
  { name: 'secret name, ${VAR:+…}', setting: setting('environment', 'DB_PASSWORD', '${USE_PW:+fromflag1}'), severity: 'error' },
  { name: 'secret name, bare, unset on the host', setting: { place: 'environment', name: 'DB_PASSWORD', value: null, host: { value: undefined } }, severity: 'error', message: ["passes the host's DB_PASSWORD through (unset here)"] },
  { name: 'secret name, bare, set in .env', setting: { place: 'environment', name: 'DB_PASSWORD', value: null, host: { value: 'quietlyVerySecret1', source: ENV(2) } }, severity: 'error', message: ['from .env:2'], secrets: ['quietlyVerySecret1'] },
  { name: 'secret name, bare, set in the shell', setting: { place: 'environment', name: 'DB_PASSWORD', value: null, host: { value: 'quietlyVerySecret1' } }, severity: 'error', message: ['from the shell'] },
  { name: 'secret name, $$ makes a literal', setting: setting('environment', 'DB_PASSWORD', '$${NOT_A_VAR}x9'), severity: 'error', message: ['14 chars'] },
  { name: 'secret name, empty literal', setting: { place: 'environment', name: 'DB_PASSWORD', value: '' }, severity: undefined },
  { name: 'secret name, a /run/secrets path', setting: { place: 'environment', name: 'DB_PASSWORD', value: '/run/secrets/db_password' }, severity: undefined },
  { name: 'secret name, a boolean', setting: { place: 'environment', name: 'REDIS_PASSWORD', value: 'false' }, severity: undefined },
  { name: 'secret name, a small number', setting: { place: 'env-file', name: 'SESSION_SECRET', value: '3600' }, severity: undefined },
  { name: 'secret name, a longer number is a PIN', setting: { place: 'environment', name: 'DB_PASSWORD', value: '12345678' }, severity: 'error' },
  { name: 'secret name, placeholder', setting: { place: 'environment', name: 'MYSQL_ROOT_PASSWORD', value: 'changeme' }, severity: 'warning', message: ['placeholder'] },
  { name: 'secret name, angle-bracket placeholder', setting: { place: 'env-file', name: 'OPENAI_API_KEY', value: '<your-key-here>' }, severity: 'warning' },

  // Names that expect a path.
  { name: '_FILE with a /run/secrets path', setting: { place: 'environment', name: 'DB_PASSWORD_FILE', value: '/run/secrets/db' }, severity: undefined },
  { name: '_FILE with a relative path', setting: { place: 'environment', name: 'DB_PASSWORD_FILE', value: './secrets/db.txt' }, severity: undefined },
  { name: '_FILE with a secret', setting: { place: 'environment', name: 'DB_PASSWORD_FILE', value: 'hunter2secret!' }, severity: 'error', message: ['should hold the path of a secret file', 'DB_PASSWORD_FILE=/run/secrets/db_password'], secrets: ['hunter2secret!'] },
  { name: '_FILE passed through from the host', setting: { place: 'environment', name: 'DB_PASSWORD_FILE', value: null, host: { value: undefined } }, severity: undefined },
  { name: '_FILE filled from .env with a secret', setting: setting('environment', 'DB_PASSWORD_FILE', '${PW_FILE}', { PW_FILE: 'Sup3rS3cret!' }, { PW_FILE: ENV(1) }), severity: 'error', message: ['filled from .env:1'], secrets: ['Sup3rS3cret!'] },
  { name: '_FILE with a path default', setting: setting('environment', 'DB_PASSWORD_FILE', '${PW_FILE:-/run/secrets/db}'), severity: undefined },
  { name: 'a well-known path name', setting: { place: 'environment', name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/secrets/gcp.json' }, severity: undefined },
  { name: '_PATH placeholder', setting: { place: 'environment', name: 'TLS_KEY_PATH', value: 'changeme' }, severity: 'warning' },

  // Any name: the value and how it was written.
  { name: 'credential URL', setting: { place: 'environment', name: 'DATABASE_URL', value: 'postgres://app:S3cr3tPassw0rd@db/app' }, severity: 'error', message: ['URL with a password in it (S3***********rd, 14 chars)', 'DATABASE_URL_FILE=/run/secrets/database_url'], secrets: ['S3cr3tPassw0rd'] },
  { name: "AWS's documented example key", setting: { place: 'environment', name: 'AWS_ACCESS_KEY_ID', value: 'AKIAIOSFODNN7EXAMPLE' }, severity: undefined },
  { name: 'a real-shaped AWS key', setting: { place: 'environment', name: 'AWS_ACCESS_KEY_ID', value: 'AKIAZ3MSJV7WLXQ4TB6N' }, severity: 'error', secrets: ['AKIAZ3MSJV7WLXQ4TB6N'] },
  { name: 'a secret variable interpolated into a URL', setting: setting('environment', 'DATABASE_URL', 'postgres://app:${DB_PASSWORD}@db/app'), severity: 'error', message: ['interpolates the secret ${DB_PASSWORD} (unset here)', 'mount DB_PASSWORD as a secret', '/run/secrets/db_password'] },
  { name: 'a secret variable nested in a default', setting: setting('environment', 'DSN', '${DSN_OVERRIDE:-${DB_PASSWORD}}', { DSN_OVERRIDE: 'sqlite://' }), severity: 'error', message: ['${DB_PASSWORD}'] },
  { name: 'the variable of ${V:+alt} does not go into the value', setting: setting('environment', 'AUTH_ARGS', '${DB_PASSWORD:+--auth}', { DB_PASSWORD: 'x' }), severity: undefined },
  { name: 'a credential default, unused here', setting: setting('environment', 'DATABASE_URL', '${DATABASE_URL:-postgres://app:Tr0ub4dor3@db/app}', { DATABASE_URL: 'postgres://db/app' }), severity: 'error', message: ['in a default written in its value', 'URL with a password'], secrets: ['Tr0ub4dor3'] },
  { name: 'a credential filled from .env into another name', setting: setting('environment', 'APP_CONFIG', '${APP_CONFIG}', { APP_CONFIG: GITHUB_TOKEN }, { APP_CONFIG: ENV(4) }), severity: 'error', message: ['GitHub token', 'filled from .env:4'], secrets: [GITHUB_TOKEN] },
  { name: 'a crackable hash', setting: { place: 'environment', name: 'ADMIN_USERS', value: 'admin:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/' }, severity: 'warning', message: ['password hash'] },
  { name: 'nothing secret', setting: { place: 'environment', name: 'LOG_LEVEL', value: 'info' }, severity: undefined },
  { name: 'about a secret', setting: { place: 'environment', name: 'JWT_EXPIRES_IN', value: '15m' }, severity: undefined },

  // Pass-through: a bare NAME gives the container the host's value, judged as if written here.
  { name: 'bare harmless name, a credential URL from .env', setting: { place: 'environment', name: 'DATABASE', value: null, host: { value: 'postgres://app:Pl4nesPass9x@db/app', source: ENV(3) } }, severity: 'error', message: ['DATABASE holds a secret: URL with a password in it', 'filled from .env:3'], secrets: ['Pl4nesPass9x'] },
  { name: 'bare harmless name, a token from the shell', setting: { place: 'environment', name: 'DEPLOY_HOOK', value: null, host: { value: GITHUB_TOKEN } }, severity: 'error', message: ['GitHub token', "filled from the shell's DEPLOY_HOOK"], secrets: [GITHUB_TOKEN] },
  { name: 'bare harmless name, a URL without userinfo', setting: { place: 'environment', name: 'DATABASE', value: null, host: { value: 'postgres://db:5432/app', source: ENV(3) } }, severity: undefined },
  { name: 'bare harmless name, unset', setting: { place: 'environment', name: 'DATABASE', value: null, host: { value: undefined } }, severity: undefined },
  { name: 'bare env_file line, a hash from the lookup', setting: { place: 'env-file', name: 'ADMIN_USERS', value: null, host: { value: 'admin:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/' } }, severity: 'warning', message: ['password hash'] },

  // Labels: a secret word in the name, a basic-auth label, and every value.
  { name: 'label with a secret word, plain value', setting: { place: 'label', name: 'com.example.db.password', value: 'hunter2secret' }, severity: 'error', message: ['label com.example.db.password holds a secret (', 'docker inspect'], secrets: ['hunter2secret'] },
  { name: 'label with a secret word, placeholder', setting: { place: 'label', name: 'homepage.widget.password', value: 'changeme' }, severity: 'warning' },
  { name: 'label with a secret word, a hash', setting: { place: 'label', name: 'com.example.admin.password', value: '$2y$10$Zkx19XLiW6VYouLHR5NmfOFU0z2GTNmpkT/5qqR7hx4IjWJPDhjvG' }, severity: 'warning', message: ['password hash'] },
  { name: 'label with a secret word, filled from .env', setting: setting('label', 'homepage.widget.key.token', '${HOMEPAGE_TOKEN}', { HOMEPAGE_TOKEN: 'Pl4nesHomeT0ken' }, { HOMEPAGE_TOKEN: ENV(1) }), severity: 'error', message: ['filled from .env:1'], secrets: ['Pl4nesHomeT0ken'] },
  { name: 'label with a secret word, a flag', setting: { place: 'label', name: 'com.example.password.required', value: 'true' }, severity: undefined },
  { name: 'label naming a password file', setting: { place: 'label', name: 'traefik.http.middlewares.a.basicauth.usersfile', value: 'hunter2secret' }, severity: undefined },
  { name: 'traefik basicauth users, apr1 hashes', setting: { place: 'label', name: 'traefik.http.middlewares.auth.basicauth.users', value: 'admin:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/,ops:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=' }, severity: 'warning', message: ['password hash, crackable offline'] },
  { name: 'traefik basicauth users, one plain password among hashes', setting: { place: 'label', name: 'traefik.http.middlewares.auth.basicauth.users', value: 'admin:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/,ops:Pl4nesPlain9' }, severity: 'error', message: ['basic auth password in the clear', '12 chars'], secrets: ['Pl4nesPlain9'] },
  { name: 'traefik digestauth users', setting: { place: 'label', name: 'traefik.http.middlewares.d.digestauth.users', value: 'test:traefik:a2688e031edb4be6a3797f3882655c05' }, severity: 'warning', message: ['digest auth password hash'] },
  { name: 'traefik basicauth realm', setting: { place: 'label', name: 'traefik.http.middlewares.auth.basicauth.realm', value: 'admin:area' }, severity: undefined },
  { name: 'caddy basicauth user, bcrypt', setting: { place: 'label', name: 'caddy.basicauth.alice', value: '$2a$14$Zkx19XLiW6VYouLHR5NmfOFU0z2GTNmpkT/5qqR7hx4IjWJPDhjvG' }, severity: 'warning' },
  { name: 'caddy basicauth user, base64-wrapped bcrypt', setting: { place: 'label', name: 'caddy.basicauth.alice', value: Buffer.from('$2a$14$Zkx19XLiW6VYouLHR5NmfOFU0z2GTNmpkT/5qqR7hx4IjWJPDhjvG').toString('base64') }, severity: 'warning', message: ['base64-encoded'] },
  { name: 'caddy basic_auth user, plain password', setting: { place: 'label', name: 'caddy.basic_auth.alice', value: 'Pl4nesCaddy9' }, severity: 'error', message: ['basic auth password in the clear'], secrets: ['Pl4nesCaddy9'] },
  { name: 'caddy basicauth matcher', setting: { place: 'label', name: 'caddy.basicauth', value: '/admin/*' }, severity: undefined },
  { name: 'user:password under an auth label', setting: { place: 'label', name: 'com.example.proxy.auth', value: 'admin:Pl4nesAuth9' }, severity: 'error', message: ['basic auth password'], secrets: ['Pl4nesAuth9'] },
  { name: 'forwardauth address is a URL', setting: { place: 'label', name: 'traefik.http.middlewares.authelia.forwardauth.address', value: 'http://authelia:9091/api/verify?rd=https://auth.example.com' }, severity: undefined },
  { name: 'router rule, service port, watchtower', setting: { place: 'label', name: 'traefik.http.routers.app.rule', value: 'Host(`app.example.com`) && PathPrefix(`/api`)' }, severity: undefined },
  { name: 'compose config hash', setting: { place: 'label', name: 'com.docker.compose.config-hash', value: '3f1a9b6e0c2d4f8a7b5c9e1d3f2a4b6c8e0d2f4a6b8c0e2d4f6a8b0c2e4d6f8a' }, severity: undefined },
  { name: 'a scheduler job command with a password option', setting: { place: 'label', name: 'ofelia.job-exec.dump.command', value: 'mysqldump -uroot -pPl4nesOfelia9 --all-databases' }, severity: 'error', message: ['label ofelia.job-exec.dump.command holds a secret: secret passed on the command line with -p'], secrets: ['Pl4nesOfelia9'] },
  { name: 'a scheduler job command reading the password in the container', setting: { place: 'label', name: 'ofelia.job-exec.dump.command', value: 'sh -c "mysqldump -uroot -p$MYSQL_ROOT_PASSWORD --all-databases"' }, severity: undefined },
  { name: 'a role list is not basic auth', setting: { place: 'label', name: 'com.example.users', value: 'alice:admin,bob:viewer' }, severity: undefined },

  // Reuse: a secret the caller knows, under any name.
  { name: 'known secret under a harmless name', setting: { place: 'environment', name: 'SQL_CONN_EXTRA', value: 'Pl4nesKnown9' }, options: { findKnownSecret: knownPl4nes }, severity: 'error', message: ['SQL_CONN_EXTRA holds the value of the secret MSSQL_SA_PASSWORD'], secrets: ['Pl4nesKnown9'] },
  { name: 'known secret inside a value', setting: { place: 'environment', name: 'JDBC_OPTS', value: 'user=sa;extra=Pl4nesKnown9;encrypt=true' }, options: { findKnownSecret: knownPl4nes }, severity: 'error', message: ['value of the secret MSSQL_SA_PASSWORD (Pl***********n9, 12 chars)'], secrets: ['Pl4nesKnown9'] },
  { name: 'known secret passed through from .env', setting: { place: 'environment', name: 'REPLICA_LOGIN', value: null, host: { value: 'Pl4nesKnown9', source: ENV(2) } }, options: { findKnownSecret: knownPl4nes }, severity: 'error', message: ['value of the secret MSSQL_SA_PASSWORD'] },
  { name: 'known secret in a label', setting: { place: 'label', name: 'com.example.note', value: 'Pl4nesKnown9' }, options: { findKnownSecret: knownPl4nes }, severity: 'error', message: ['label com.example.note holds the value of the secret'] },
  { name: 'a secret name keeps its own message', setting: { place: 'environment', name: 'MSSQL_SA_PASSWORD', value: 'Pl4nesKnown9' }, options: { findKnownSecret: knownPl4nes }, severity: 'error', message: ['MSSQL_SA_PASSWORD holds a secret ('] },
  { name: 'a credential format says more than reuse', setting: { place: 'environment', name: 'DSN', value: 'mssql://sa:Pl4nesKnown9@db/app' }, options: { findKnownSecret: knownPl4nes }, severity: 'error', message: ['URL with a password'] },
  { name: 'label with a token', setting: { place: 'label', name: 'com.example.deploy', value: GITHUB_TOKEN }, severity: 'error', message: ['label com.example.deploy holds a secret: GitHub token', 'docker inspect'], secrets: [GITHUB_TOKEN] },
  { name: 'label interpolating a secret variable', setting: setting('label', 'com.example.auth', 'admin:${ADMIN_PASSWORD}'), severity: 'error', message: ['${ADMIN_PASSWORD}'] },

  // Builds.
  { name: 'build arg, literal', setting: { place: 'build-arg', name: 'NPM_TOKEN', value: 'npmTokenValue123' }, severity: 'error', message: ['build arg NPM_TOKEN', 'use build.secrets (RUN --mount=type=secret,id=npm_token)'] },
  { name: 'build arg, bare', setting: { place: 'build-arg', name: 'NPM_TOKEN', value: null, host: { value: undefined } }, severity: 'error', message: ["passes the host's NPM_TOKEN through"] },
  { name: 'build arg, harmless', setting: { place: 'build-arg', name: 'GIT_SHA', value: 'abc123' }, severity: undefined },
  { name: 'ARG without a default', setting: { place: 'dockerfile-arg', name: 'GITHUB_TOKEN', value: undefined }, severity: 'error', message: ['ARG GITHUB_TOKEN takes a secret at build time', 'RUN --mount=type=secret,id=github_token'] },
  { name: 'ARG with an empty default', setting: { place: 'dockerfile-arg', name: 'NPM_TOKEN', value: '' }, severity: 'error', message: ['takes a secret at build time'] },
  { name: 'ARG with a secret default', setting: { place: 'dockerfile-arg', name: 'NPM_TOKEN', value: 'npmTokenValue123' }, severity: 'error', message: ['as its default'], secrets: ['npmTokenValue123'] },
  { name: 'ARG for a path', setting: { place: 'dockerfile-arg', name: 'NPM_TOKEN_FILE', value: undefined }, severity: undefined },
  { name: 'ARG, not a secret', setting: { place: 'dockerfile-arg', name: 'NODE_VERSION', value: '20' }, severity: undefined },
  { name: 'ENV, literal', setting: { place: 'dockerfile-env', name: 'PASSWORD', value: 'hunter2x' }, severity: 'error', message: ['ENV PASSWORD', 'ENV persists in the image'] },
  { name: 'ENV, empty', setting: { place: 'dockerfile-env', name: 'GITHUB_TOKEN', value: '' }, severity: undefined },
  { name: 'ENV from a build argument', setting: setting('dockerfile-env', 'DB_PASSWORD', '$DB_PASSWORD'), severity: 'error', message: ['${DB_PASSWORD} (a build argument)'] },
];

describe('judgeSetting', () => {
  it.each(SETTINGS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const verdict = judgeSetting(row.setting, row.options);
    const message = verdict && verdictMessage(verdict);
    expect(verdict?.severity).toBe(row.severity);
    for (const fragment of row.message ?? []) expect(message).toContain(fragment);
    for (const secret of row.secrets ?? []) expect(leaks(message ?? '', secret)).toBe(false);
  });
});

interface CommandRow {
  name: string;
  line: CommandLine;
  /** [argument, severity] of each verdict, in order. */
  verdicts: [number | null, Severity][];
  message?: string[];
  secrets?: string[];
  options?: JudgeOptions;
}

function commandLine(field: string, value: string | string[], variables: Record<string, string> = {}, sources: Record<string, EnvSource> = {}): CommandLine {
  const parts = typeof value === 'string' ? [value] : value;
  const interpolated = parts.map((part) => written(part, variables, sources));
  return {
    field,
    value: typeof value === 'string' ? (interpolated[0] as { value: string }).value : interpolated.map((part) => part.value),
    written: interpolated.map((part) => (part.written.references.length > 0 ? part.written : undefined)),
  };
}

const COMMANDS: CommandRow[] = [
  { name: 'a password option in the list form', line: commandLine('healthcheck.test', ['CMD', 'mysqladmin', 'ping', '-uroot', '-pR00tPassw0rd!']), verdicts: [[4, 'error']], message: ['healthcheck.test puts on the command line a secret', '/run/secrets'], secrets: ['R00tPassw0rd!'] },
  { name: 'a password option in the string form', line: commandLine('command', 'redis-server --requirepass Hx7redisPass'), verdicts: [[null, 'error']], message: ['--requirepass'], secrets: ['Hx7redisPass'] },
  { name: '$VAR is expanded in the container', line: commandLine('healthcheck.test', 'mysqladmin ping -uroot -p$$MYSQL_ROOT_PASSWORD'), verdicts: [] },
  { name: 'a secret variable Compose interpolates, unset', line: commandLine('command', ['redis-server', '--requirepass', '${REDIS_PASSWORD}']), verdicts: [[2, 'error']], message: ['interpolates the secret ${REDIS_PASSWORD} (unset here)', '$$(cat /run/secrets/redis_password)'] },
  { name: 'a secret variable Compose interpolates, filled from .env: one verdict', line: commandLine('command', 'redis-server --requirepass ${REDIS_PASSWORD}', { REDIS_PASSWORD: 'Hx7redisPass' }, { REDIS_PASSWORD: ENV(2) }), verdicts: [[null, 'error']], message: ['filled from .env:2'], secrets: ['Hx7redisPass'] },
  { name: 'a token format in an argument', line: commandLine('entrypoint', ['deploy', GITHUB_TOKEN]), verdicts: [[1, 'error']], message: ['GitHub token'], secrets: [GITHUB_TOKEN] },
  { name: 'a placeholder password', line: commandLine('command', 'app --password changeme'), verdicts: [[null, 'warning']] },
  { name: 'a password file option', line: commandLine('command', 'app --password-file /run/secrets/app'), verdicts: [] },
  { name: 'a known secret where no option says password', line: commandLine('healthcheck.test', ['CMD-SHELL', "probe --login sa:Pl4nesKnown9 --url http://localhost"]), options: { findKnownSecret: knownPl4nes }, verdicts: [[1, 'error']], message: ['a secret: the value of the secret MSSQL_SA_PASSWORD (Pl***********n9, 12 chars)'], secrets: ['Pl4nesKnown9'] },
  { name: 'a known secret behind a password option: one verdict', line: commandLine('healthcheck.test', "sqlcmd -S localhost -U sa -P Pl4nesKnown9 -Q 'SELECT 1'"), options: { findKnownSecret: knownPl4nes }, verdicts: [[null, 'error']], message: ['with -P'] },
  { name: 'a known secret twice on one line', line: commandLine('command', 'sync --from Pl4nesKnown9 --to Pl4nesKnown9'), options: { findKnownSecret: knownPl4nes }, verdicts: [[null, 'error'], [null, 'error']] },
  { name: 'a reference to the secret is not the secret', line: commandLine('healthcheck.test', 'sqlcmd -S localhost -U sa -P $$MSSQL_SA_PASSWORD'), options: { findKnownSecret: knownPl4nes }, verdicts: [] },
];

describe('judgeCommandLine', () => {
  it.each(COMMANDS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const verdicts = judgeCommandLine(row.line, row.options);
    expect(verdicts.map((verdict) => [verdict.argument, verdict.severity])).toEqual(row.verdicts);
    for (const fragment of row.message ?? []) expect(verdicts[0] && verdictMessage(verdicts[0])).toContain(fragment);
    for (const verdict of verdicts) {
      for (const secret of row.secrets ?? []) expect(leaks(verdictMessage(verdict), secret)).toBe(false);
    }
  });
});

describe('secretId', () => {
  it.each([
    ['DB_PASSWORD', 'db_password'],
    ['POSTGRES_PASSWORD_FILE', 'postgres_password'],
    ['TLS_KEY_PATH', 'tls_key'],
    ['npm-token', 'npm_token'],
    ['DB_PROFILE', 'db_profile'],
    ['_FILE', 'secret'],
  ])('%s → %s', (name, id) => {
    expect(secretId(name)).toBe(id);
  });
});

describe('a generated-looking value filled from a secret variable', () => {
  // The value alone is only a warning (it looks generated); the secret-named variable written into it makes it an error.
  const generated = 'Xk9mPq2Lw7Rt4Vz8Bn3Hj6Fd1Sa5Gc0Ye';
  it.each(['restart', 'image', 'REGION'])('under %s is the secret of the variable, an error, not a warning', (name) => {
    const verdict = judgeSetting(setting('environment', name, '${DB_PASSWORD}', { DB_PASSWORD: generated }, { DB_PASSWORD: ENV(1) }));
    expect(verdict).toMatchObject({ kind: 'secret-variable-interpolated', severity: 'error' });
  });
  it('written out under a harmless name stays a warning', () => {
    expect(judgeSetting({ place: 'environment', name: 'REGION', value: generated })).toMatchObject({ severity: 'warning' });
  });
});
