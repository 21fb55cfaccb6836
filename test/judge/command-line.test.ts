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

function expectedSpan(command: string | string[], expected: Expected): [number, number] {
  const text = typeof command === 'string' ? command : (command[expected.argument ?? -1] ?? '');
  const start = text.indexOf(expected.credential);
  return [start, start + expected.credential.length];
}

describe('detectPasswordArguments', () => {
  it.each([...LEAK_CASES, ...OWN_ROWS])('$label', (row) => {
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
