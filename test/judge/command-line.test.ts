import { describe, expect, it } from 'vitest';
import { ADVERSARIAL_SCRIPT } from '../../bench/adversarial.js';
import { detectPasswordArguments, isVariableReference } from '../../src/judge/command-line.js';
import type { CredentialSeverity } from '../../src/redact/values.js';

// Passwords here are synthetic (Pl4nes…); leak-case vectors are copied from leak-cases.md.
const SYNTHETIC_GITHUB_TOKEN = `ghp_${'Pl4nesSynth3ticT0ken'.repeat(2).slice(0, 36)}`;

interface Expected {
  /** The credential as written, located by its first occurrence in the argument (or the string). */
  credential: string;
  argument?: number;
  severity?: CredentialSeverity;
  id?: string;
}

interface Row {
  label: string;
  command: string | string[];
  findings: Expected[];
}

const LEAK_CASES: Row[] = [
  { label: 'case 27: mysqladmin -p in a CMD healthcheck', command: ['CMD', 'mysqladmin', 'ping', '-uroot', '-pR00tPassw0rd!'], findings: [{ credential: 'R00tPassw0rd!', argument: 4 }] },
  { label: 'case 28: -p from a container variable', command: 'mysqladmin ping -uroot -p$MYSQL_ROOT_PASSWORD', findings: [] },
  { label: 'case 28: raw compose $$ form', command: 'mysqladmin ping -uroot -p$$MYSQL_ROOT_PASSWORD', findings: [] },
  { label: 'case 29: redis-server --requirepass', command: 'redis-server --requirepass Hx7redisPass', findings: [{ credential: 'Hx7redisPass' }] },
];

const OWN_ROWS: Row[] = [
  { label: 'CMD-SHELL healthcheck with -p', command: ['CMD-SHELL', 'mysqladmin ping -h localhost -uroot -pPl4nesRoot9'], findings: [{ credential: 'Pl4nesRoot9', argument: 1 }] },
  { label: 'mysql -p alone prompts, the next word is the database', command: 'mysql -u app -p appdb', findings: [] },
  { label: 'mysql --password without = prompts', command: 'mysql --password appdb', findings: [] },
  { label: 'mysql --password=value', command: 'mysql --password=Pl4nesRoot9 appdb', findings: [{ credential: 'Pl4nesRoot9' }] },
  { label: 'quoted -p value with a space', command: "mysqladmin ping -p'Pl4nes Root9'", findings: [{ credential: 'Pl4nes Root9' }] },
  { label: 'double-quoted variable after -p', command: 'mysqladmin ping -p"$MYSQL_ROOT_PASSWORD"', findings: [] },
  { label: 'docker run -p is a port', command: 'docker run -p 8080:80 nginx', findings: [] },
  { label: 'ssh -p is a port', command: 'ssh -p2222 deploy@host', findings: [] },
  { label: 'mkdir -p is a flag', command: 'mkdir -p /data && exec app', findings: [] },
  { label: 'redis-cli -a', command: 'redis-cli -a Pl4nesRedis9 ping', findings: [{ credential: 'Pl4nesRedis9' }] },
  { label: 'redis-cli -a from a variable', command: ['CMD-SHELL', 'redis-cli -a "$REDIS_PASSWORD" ping | grep PONG'], findings: [] },
  { label: 'exec form --requirepass from an unexpanded variable', command: ['redis-server', '--requirepass', '${REDIS_PASSWORD}'], findings: [] },
  { label: 'image arguments only', command: ['--requirepass', 'Pl4nesRedis9'], findings: [{ credential: 'Pl4nesRedis9', argument: 1 }] },
  { label: 'literal default inside a variable', command: 'redis-server --requirepass ${REDIS_PASSWORD:-Pl4nesDefault9}', findings: [{ credential: '${REDIS_PASSWORD:-Pl4nesDefault9}' }] },
  { label: 'environment assignment before the command', command: 'PGPASSWORD=Pl4nesPg9 psql -h db -U app', findings: [{ credential: 'Pl4nesPg9', id: 'secret-assignment' }] },
  { label: 'environment assignment from a variable', command: 'PGPASSWORD=$PGPASS psql -h db', findings: [] },
  { label: 'sh -c script', command: 'sh -c "PGPASSWORD=Pl4nesPg9 pg_isready -h db"', findings: [{ credential: 'Pl4nesPg9' }] },
  { label: 'sh -c script in exec form', command: ['sh', '-c', 'mysqladmin ping -pPl4nesRoot9'], findings: [{ credential: 'Pl4nesRoot9', argument: 2 }] },
  { label: 'bash -ec script with curl -u', command: "bash -ec 'curl -fsS -u admin:Pl4nesCurl9 http://localhost/health'", findings: [{ credential: 'Pl4nesCurl9' }] },
  { label: 'curl -u without a password prompts', command: 'curl -u admin http://localhost/', findings: [] },
  { label: 'curl with -u at the end of a flag cluster', command: ['CMD', 'curl', '-fsu', 'admin:S3cretPw9x', 'http://x'], findings: [{ credential: 'S3cretPw9x', argument: 3 }] },
  { label: 'curl flag cluster without -u', command: ['CMD', 'curl', '-fsS', 'http://admin@x'], findings: [] },
  { label: 'curl Authorization header from a variable', command: 'curl -H "Authorization: Bearer $API_TOKEN" https://api.example.com', findings: [] },
  { label: 'curl Authorization header with a literal token', command: 'curl -H "Authorization: Bearer Pl4nesBearerT0ken9xyz" https://api.example.com', findings: [{ credential: 'Pl4nesBearerT0ken9xyz', id: 'authorization-header' }] },
  { label: 'credential URL argument', command: 'psql postgresql://app:Pl4nesUrl9@db/app -c "select 1"', findings: [{ credential: 'Pl4nesUrl9', id: 'credential-url' }] },
  { label: 'credential URL from a variable', command: 'psql postgresql://app:$PGPASSWORD@db/app', findings: [] },
  { label: 'docker login -p', command: 'docker login -u ci -p Pl4nesReg9 registry.example.com', findings: [{ credential: 'Pl4nesReg9' }] },
  { label: 'docker login --password-stdin', command: 'docker login -u ci --password-stdin registry.example.com', findings: [] },
  { label: 'openssl pass: source', command: 'openssl rsa -passin pass:Pl4nesSsl9 -in key.pem', findings: [{ credential: 'Pl4nesSsl9' }] },
  { label: 'openssl env: source', command: 'openssl rsa -passin env:KEY_PASS -in key.pem', findings: [] },
  { label: 'keytool -storepass', command: 'keytool -list -storepass Pl4nesStore9 -keystore ks.jks', findings: [{ credential: 'Pl4nesStore9' }] },
  { label: 'keytool -storepass:env', command: 'keytool -list -storepass:env STORE_PASS -keystore ks.jks', findings: [] },
  { label: 'htpasswd -b', command: 'htpasswd -bc /etc/nginx/.htpasswd admin Pl4nesHt9', findings: [{ credential: 'Pl4nesHt9' }] },
  { label: 'htpasswd without -b prompts', command: 'htpasswd -c /etc/nginx/.htpasswd admin', findings: [] },
  { label: 'generic --api-key', command: 'app --api-key Pl4nesApi9 --port 8000', findings: [{ credential: 'Pl4nesApi9' }] },
  { label: 'known format as an option value', command: `app --token=${SYNTHETIC_GITHUB_TOKEN}`, findings: [{ credential: SYNTHETIC_GITHUB_TOKEN, id: 'github-token' }] },
  { label: 'known format in a shell comment', command: ['CMD-SHELL', `true # ${SYNTHETIC_GITHUB_TOKEN}`], findings: [{ credential: SYNTHETIC_GITHUB_TOKEN, argument: 1, id: 'github-token' }] },
  { label: '--token-file', command: 'app --token-file /run/secrets/token', findings: [] },
  { label: '--password-file=', command: 'app --password-file=/run/secrets/db', findings: [] },
  { label: '--password holding a path', command: 'app --private-key /etc/ssl/private/app.key', findings: [] },
  { label: 'mongod --auth flag', command: 'mongod --auth --bind_ip_all', findings: [] },
  { label: 'mongosh -p with a placeholder', command: `mongosh -u root -p example --eval "db.adminCommand('ping')"`, findings: [{ credential: 'example', severity: 'warning' }] },
  { label: 'Go-style single-dash option', command: 'app -password Pl4nesGo9', findings: [{ credential: 'Pl4nesGo9' }] },
  { label: 'single-dash option from command substitution', command: 'app -password=$(cat /run/secrets/pw)', findings: [] },
  { label: 'sshpass attached -p', command: 'sshpass -pPl4nesSsh9 ssh deploy@host', findings: [{ credential: 'Pl4nesSsh9' }] },
  { label: 'docker build --secret spec', command: 'docker buildx build --secret id=npm,env=NPM_TOKEN .', findings: [] },
  { label: 'NONE healthcheck', command: ['NONE'], findings: [] },
  { label: 'Java system property', command: 'java -Dspring.datasource.password=Pl4nesJava9 -jar app.jar', findings: [{ credential: 'Pl4nesJava9' }] },
  { label: 'two findings in one string', command: 'redis-server --requirepass Pl4nesOne9 --masterauth Pl4nesTwo9', findings: [{ credential: 'Pl4nesOne9' }, { credential: 'Pl4nesTwo9' }] },
  { label: 'boolean option value', command: 'app --auth-token-required true', findings: [] },
];

/** Healthchecks and commands as real stacks write them: what each program takes as a password, and what only looks like one. */
const REAL_COMMANDS: Row[] = [
  { label: 'sqlcmd -P in a CMD-SHELL healthcheck', command: ['CMD-SHELL', "/opt/mssql-tools18/bin/sqlcmd -S localhost -U sa -P 'Pl4nes-Sql9' -C -Q 'SELECT 1' || exit 1"], findings: [{ credential: 'Pl4nes-Sql9', argument: 1 }] },
  { label: 'sqlcmd -P attached', command: '/opt/mssql-tools/bin/sqlcmd -S db -U sa -PPl4nesSql9 -Q "SELECT 1"', findings: [{ credential: 'Pl4nesSql9' }] },
  { label: 'sqlcmd -P with a placeholder', command: ['CMD-SHELL', "/opt/mssql-tools/bin/sqlcmd -S localhost -U sa -P example_123 -Q 'SELECT 1' || exit 1"], findings: [{ credential: 'example_123', argument: 1, severity: 'warning' }] },
  { label: 'sqlcmd -P from a container variable', command: ['CMD-SHELL', '/opt/mssql-tools/bin/sqlcmd -S localhost -U sa -P "$${SA_PASSWORD}" -Q "SELECT 1"'], findings: [] },
  { label: 'sqlcmd -P from $$MSSQL_SA_PASSWORD', command: '/opt/mssql-tools18/bin/sqlcmd -C -S localhost -U sa -P $$MSSQL_SA_PASSWORD -Q "SELECT 1"', findings: [] },
  { label: 'sqlcmd -p prints statistics', command: 'sqlcmd -S db -U sa -p -Q "SELECT 1"', findings: [] },
  { label: 'bcp -P', command: 'bcp dbo.t out /tmp/t.bcp -S db -U sa -P Pl4nesBcp9 -c', findings: [{ credential: 'Pl4nesBcp9' }] },
  { label: 'mysql -p$${PASS}: a reference', command: ['CMD-SHELL', 'mysql -uroot -p$${PASS} -e "SELECT 1"'], findings: [] },
  { label: 'mariadb-admin -p$$MARIADB_ROOT_PASSWORD', command: ['CMD', 'mariadb-admin', 'ping', '-h', 'localhost', '-uroot', '-p$$MARIADB_ROOT_PASSWORD'], findings: [] },
  { label: 'mysqladmin -P is the port', command: ['CMD', 'mysqladmin', 'ping', '-h', 'db', '-P', '3306'], findings: [] },
  { label: 'mysqladmin --password= in the exec form', command: ['CMD', 'mysqladmin', 'ping', '-h', 'localhost', '--password=Pl4nesMy9'], findings: [{ credential: 'Pl4nesMy9', argument: 5 }] },
  { label: 'redis-cli -a with --no-auth-warning', command: ['CMD', 'redis-cli', '--no-auth-warning', '-a', 'Pl4nesRedis9', 'ping'], findings: [{ credential: 'Pl4nesRedis9', argument: 4 }] },
  { label: 'redis-cli -p is the port', command: ['CMD', 'redis-cli', '-h', 'localhost', '-p', '6379', 'ping'], findings: [] },
  { label: 'redis-cli --pass', command: 'redis-cli --pass Pl4nesRedis9 ping', findings: [{ credential: 'Pl4nesRedis9' }] },
  { label: 'redis-cli -u with a credential URL', command: 'redis-cli -u redis://default:Pl4nesRedis9@cache:6379 ping', findings: [{ credential: 'Pl4nesRedis9', id: 'credential-url' }] },
  { label: 'pg_isready -p is the port', command: ['CMD-SHELL', 'pg_isready -U postgres -d app -h localhost -p 5432'], findings: [] },
  { label: 'PGPASSWORD=… psql', command: ['CMD-SHELL', 'PGPASSWORD=Pl4nesPg9 psql -U app -h localhost -c "select 1"'], findings: [{ credential: 'Pl4nesPg9', argument: 1 }] },
  { label: 'curl -u user:pass in a healthcheck', command: ['CMD', 'curl', '-f', '-u', 'elastic:Pl4nesElastic9', 'http://localhost:9200/_cluster/health'], findings: [{ credential: 'Pl4nesElastic9', argument: 4 }] },
  { label: 'curl -u from container variables', command: ['CMD-SHELL', 'curl -s -u "elastic:$${ELASTIC_PASSWORD}" http://localhost:9200'], findings: [] },
  { label: 'curl URL with userinfo', command: 'curl -fsS http://admin:Pl4nesCurl9@localhost:15672/api/healthchecks/node', findings: [{ credential: 'Pl4nesCurl9', id: 'credential-url' }] },
  { label: 'mongosh URI with userinfo', command: `mongosh "mongodb://root:Pl4nesMongo9@localhost:27017/admin" --quiet --eval "db.runCommand('ping').ok"`, findings: [{ credential: 'Pl4nesMongo9', id: 'credential-url' }] },
  { label: 'mosquitto_sub -P', command: 'mosquitto_sub -h localhost -p 1883 -u probe -P Pl4nesMqtt9 -t $$SYS/# -C 1', findings: [{ credential: 'Pl4nesMqtt9' }] },
  { label: 'ldapsearch -w', command: 'ldapsearch -x -H ldap://localhost -D cn=admin,dc=example,dc=org -w Pl4nesLdap9 -b dc=example,dc=org', findings: [{ credential: 'Pl4nesLdap9' }] },
  { label: 'ldapsearch -W prompts', command: 'ldapsearch -x -H ldap://localhost -D cn=admin,dc=example,dc=org -W -b dc=example,dc=org', findings: [] },
  { label: 'rabbitmqadmin -p', command: 'rabbitmqadmin -u admin -p Pl4nesRabbit9 list queues', findings: [{ credential: 'Pl4nesRabbit9' }] },
  { label: 'cqlsh -p', command: ['CMD-SHELL', 'cqlsh -u cassandra -p Pl4nesCql9 -e "describe keyspaces"'], findings: [{ credential: 'Pl4nesCql9', argument: 1 }] },
  { label: '--password= on any program', command: 'clickhouse-client --user default --password=Pl4nesClick9 --query "SELECT 1"', findings: [{ credential: 'Pl4nesClick9' }] },
  { label: 'wget --http-password', command: 'wget -q --http-user=probe --http-password=Pl4nesWget9 -O- http://localhost/health', findings: [{ credential: 'Pl4nesWget9' }] },
];

function expectedSpan(command: string | string[], expected: Expected): [number, number] {
  const text = typeof command === 'string' ? command : (command[expected.argument ?? -1] ?? '');
  const start = text.indexOf(expected.credential);
  return [start, start + expected.credential.length];
}

describe('detectPasswordArguments', () => {
  it.each([...LEAK_CASES, ...OWN_ROWS, ...REAL_COMMANDS])('$label', (row) => {
    const matches = detectPasswordArguments(row.command);
    expect(matches.map((match) => [match.argument, match.start, match.end, match.severity])).toEqual(
      row.findings.map((expected) => [expected.argument ?? null, ...expectedSpan(row.command, expected), expected.severity ?? 'error']),
    );
    row.findings.forEach((expected, index) => {
      if (expected.id !== undefined) expect(matches[index]?.id).toBe(expected.id);
    });
  });

  it('names the option in the description, never the value', () => {
    const [match] = detectPasswordArguments('redis-server --requirepass Hx7redisPass');
    expect(match?.description).toContain('--requirepass');
    expect(match?.description).not.toContain('Hx7redisPass');
  });

  // bench/guards.ts times it.
  it('comes through a long adversarial script', () => {
    expect(() => detectPasswordArguments(ADVERSARIAL_SCRIPT)).not.toThrow();
  });
});

describe('isVariableReference', () => {
  it.each([
    ['$PW', true],
    ['${PW}', true],
    ['$$PW', true],
    ['$${PW}', true],
    ['${PW:?required}', true],
    ['${PW:-$OTHER}', true],
    ['$(cat /run/secrets/pw)', true],
    ['`cat /run/secrets/pw`', true],
    ['$USER:$PW', false],
    ['${PW:-Pl4nesDefault9}', false],
    ['${PW:+Pl4nesAlt9}', false],
    ['Pl4nes$PW', false],
    ['$', false],
    ['', false],
    ['${PW', false],
  ])('%s → %s', (value, expected) => {
    expect(isVariableReference(value)).toBe(expected);
  });
});
