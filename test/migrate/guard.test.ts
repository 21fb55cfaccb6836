/**
 * The guarantee of `planes migrate`: a value the judgement calls a secret in the input is
 * written nowhere but in secrets/*.txt and printed nowhere; what cannot be moved is a blocker
 * (never "clean") and is left out of every file written. Each case plants a canary where
 * migration cannot move it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatReport, isClean, migrate, type MigrationReport } from '../../src/migrate/index.js';
import { guardedProjectFiles, searchedSecrets } from '../../src/migrate/guard.js';
import { filesUnder, projectWith } from '../support/project.js';
import { planOf, yamlOf } from './support.js';

const CANARY = 'Cnry8Hv3Tz6Qm1Lp';
// Credential-shaped canaries, built so that no credential is written here.
const ACCESS_KEY = `AKIA${'CNRYSYNTHETIC0KEY'.slice(0, 16)}`;

interface Migrated {
  report: MigrationReport;
  root: string;
  out: string;
}

function migrated(files: Record<string, string>): Migrated {
  const root = projectWith(files);
  const report = migrate({ cwd: root, environment: {}, out: 'out', dryRun: false, force: false });
  return { report, root, out: join(root, 'out') };
}

/** The canary is in no file written but a secret file, and in no form of the report. */
function expectNowhere({ report, out }: Migrated, canary: string): void {
  const holding = filesUnder(out).filter((path) => !/^secrets\/[^/]+\.txt$/.test(path) && readFileSync(join(out, path), 'utf8').includes(canary));
  expect(holding, `files holding ${canary}`).toEqual([]);
  expect(formatReport(report)).not.toContain(canary);
  expect(JSON.stringify(report)).not.toContain(canary);
}

function blockersOf(report: MigrationReport): string[] {
  return report.reviews.filter((item) => item.level === 'blocker').map((item) => `${item.service ?? ''}: ${item.message}`);
}

function manifestOf({ out }: Migrated): Record<string, unknown> {
  return yamlOf(readFileSync(join(out, 'compose/stack.yaml'), 'utf8'));
}

function serviceOf(result: Migrated, name: string): Record<string, unknown> {
  return (manifestOf(result)['services'] as Record<string, Record<string, unknown>>)[name] as Record<string, unknown>;
}

describe('planes migrate leaves out what holds a secret it cannot move, and says so', () => {
  it('a label holding a credential, or filled from a secret-named variable, in map and list form', () => {
    const result = migrated({
      '.env': `API_TOKEN=${CANARY}\n`,
      'compose.yaml': `services:
  app:
    image: myorg/app:1
    labels:
      aws: ${ACCESS_KEY}
      db: "postgres://app:${CANARY}x@db/app"
      team: payments
      token: "x-\${API_TOKEN}"
  worker:
    image: myorg/worker:1
    labels: ["via=\${API_TOKEN}", "team=payments"]
`,
    });
    expectNowhere(result, CANARY);
    expectNowhere(result, ACCESS_KEY);
    expect(isClean(result.report)).toBe(false);
    expect(blockersOf(result.report)).toEqual([
      expect.stringMatching(/^app: labels\.aws holds a secret \(AWS access key ID; AK\*{11}KE, 20 chars\): left out of the migrated project/),
      expect.stringMatching(/^app: labels\.db holds a secret \(URL with a password in it; /),
      expect.stringMatching(/^app: labels\.token holds a secret \(filled from \$\{API_TOKEN\}; /),
      expect.stringMatching(/^worker: labels\.<hidden: filled from \$\{API_TOKEN\}, a secret; .*> holds a secret \(filled from \$\{API_TOKEN\}; /),
    ]);
    // What holds no secret is carried over.
    expect(serviceOf(result, 'app')['labels']).toEqual({ team: 'payments' });
    expect(serviceOf(result, 'worker')['labels']).toEqual({ team: 'payments' });
  });

  it('a config whose content holds a credential: the config and its mounts; one read from a secret file or variable is kept, with a blocker', () => {
    const result = migrated({
      '.env': `DB_PASSWORD=${CANARY}\n`,
      'app.conf': `url=https://admin:${CANARY}@db.internal/x\n`,
      'compose.yaml': `services:
  app:
    image: myorg/app:1
    configs: [leaky, plain, filed, fromvar]
configs:
  leaky:
    content: "url=https://admin:${CANARY}@db.internal/x"
  plain:
    content: "log_level=info"
  filed:
    file: ./app.conf
  fromvar:
    environment: DB_PASSWORD
`,
    });
    expectNowhere(result, CANARY);
    expect(blockersOf(result.report)).toEqual([
      expect.stringMatching(/^: the content of config leaky holds a secret: URL with a password in it \(.*\): left out of the migrated project, with every mount of it; make it a secret/),
      expect.stringMatching(/^: app\.conf, the file of config filed, holds a secret: .*: kept as it is, as planes writes none of it/),
      expect.stringMatching(/^: config fromvar is made from DB_PASSWORD, a secret: kept as it is/),
    ]);
    expect(Object.keys(manifestOf(result)['configs'] as object)).toEqual(['plain', 'filed', 'fromvar']);
    expect(serviceOf(result, 'app')['configs']).toEqual([{ source: 'plain' }, { source: 'filed' }, { source: 'fromvar' }]);
  });

  it('a command line it cannot rewrite: a password where no shell reads a file, a secret-named variable interpolated', () => {
    const result = migrated({
      '.env': `API_TOKEN=${CANARY}\n`,
      'compose.yaml': `services:
  cache:
    image: redis:7
    healthcheck:
      test: ["CMD", "redis-cli", "-a", "${CANARY}", "ping"]
      interval: 10s
  app:
    image: myorg/app:1
    command: ["app", "--api", "\${API_TOKEN}"]
    ports: ["8080:80"]
`,
    });
    expectNowhere(result, CANARY);
    expect(blockersOf(result.report)).toEqual([
      expect.stringMatching(/^cache: healthcheck still holds a password on its command line .*; healthcheck is left out of the migrated project until then$/),
      expect.stringMatching(/^app: command holds a secret-named variable interpolated into its command line \(\$\{API_TOKEN\}\): left out of the migrated project/),
    ]);
    expect(serviceOf(result, 'cache')['healthcheck']).toBeUndefined();
    expect(serviceOf(result, 'app')).toMatchObject({ ports: ['8080:80'] });
    expect(serviceOf(result, 'app')['command']).toBeUndefined();
  });

  it('an entrypoint left out leaves the wrapper for secrets as variables nothing to start: a blocker, not a crash', () => {
    const result = migrated({
      'compose.yaml': `services:
  app:
    image: myorg/app:1
    environment: { API_KEY: ${CANARY}Q }
    entrypoint: ["app", "--password", "${CANARY}"]
`,
    });
    expectNowhere(result, CANARY);
    expect(blockersOf(result.report)).toEqual([
      expect.stringMatching(/^app: entrypoint still holds a password on its command line .*; entrypoint is left out of the migrated project until then$/),
      expect.stringMatching(/^app: the service's own entrypoint was left out \(it held a secret\), so the wrapper that sets secrets as variables has no process to start/),
    ]);
    expect(serviceOf(result, 'app')['secrets']).toEqual({ api_key: {} });
    expect(serviceOf(result, 'app')['entrypoint']).toBeUndefined();
  });

  it('any other key passed through: restart and networks filled from a secret-named variable, a secret-named option, a password in mount options', () => {
    const result = migrated({
      '.env': `DB_PASSWORD=${CANARY}\n`,
      'compose.yaml': `services:
  app:
    image: myorg/app:1
    restart: "\${DB_PASSWORD}"
    networks: ["\${DB_PASSWORD}", front]
    logging:
      driver: splunk
      options: { splunk-token: ${CANARY}, splunk-url: "https://splunk.internal" }
networks:
  front: {}
volumes:
  data:
    driver_opts: { type: cifs, o: "username=me,password=${CANARY}" }
`,
    });
    expectNowhere(result, CANARY);
    expect(blockersOf(result.report)).toEqual([
      expect.stringMatching(/^app: restart holds a secret \(filled from \$\{DB_PASSWORD\}; .*\): left out/),
      expect.stringMatching(/^app: networks\.<hidden: filled from \$\{DB_PASSWORD\}, a secret; .*> holds a secret/),
      expect.stringMatching(/^app: logging\.options\.splunk-token holds a secret \(its name says so: /),
      expect.stringMatching(/^: volumes\.data\.driver_opts\.o holds a secret \(secret-named key with a value inside the value/),
    ]);
    expect(serviceOf(result, 'app')).toMatchObject({ networks: ['front'], logging: { driver: 'splunk', options: { 'splunk-url': 'https://splunk.internal' } } });
  });

  it('an image name or a remote build context that holds a secret', () => {
    const result = migrated({
      '.env': `REGISTRY_PASSWORD=${CANARY}\n`,
      'compose.yaml': `services:
  app:
    image: "registry.internal/\${REGISTRY_PASSWORD}/app:1"
  built:
    build: "https://deploy:${CANARY}@git.internal/app.git"
`,
    });
    expectNowhere(result, CANARY);
    expect(blockersOf(result.report)).toEqual([
      expect.stringMatching(/^app: image holds a secret \(filled from \$\{REGISTRY_PASSWORD\}; .*\): left out .*; the manifest names the image .*-app meanwhile$/),
      expect.stringMatching(/^built: build\.context holds a secret \(URL with a password in it; .*; the build is left out with it$/),
    ]);
  });

  it('leaves a weak password equal to ordinary text alone: its place decides, not its value', () => {
    const result = migrated({
      'compose.yaml': `services:
  db:
    image: postgres:16
    environment: { POSTGRES_USER: postgres, POSTGRES_PASSWORD: postgres }
    healthcheck: { test: ["CMD-SHELL", "pg_isready -U postgres"] }
`,
    });
    expect(blockersOf(result.report)).toEqual([]);
    expect(serviceOf(result, 'db')['healthcheck']).toEqual({ test: ['CMD-SHELL', 'pg_isready -U postgres'] });
    expect(readFileSync(join(result.out, 'secrets/postgres_password.txt'), 'utf8')).toBe('postgres');
  });
});

describe('the final guard over the planned writes', () => {
  it('leaves out of the manifest any entry that would hold a secret of the input, whatever put it there', () => {
    const plan = planOf({ 'compose.yaml': `services:\n  db:\n    image: postgres:16\n    environment: { POSTGRES_PASSWORD: ${CANARY} }\n    ports: ["5432:5432"]\n` });
    // A fault of planning, simulated: the secret's value written where it does not belong.
    const db = (plan.manifest['services'] as Record<string, Record<string, unknown>>)['db'] as Record<string, unknown>;
    db['labels'] = { leaked: `was ${CANARY}` };
    const secrets = searchedSecrets(plan.texts);
    const files = guardedProjectFiles(plan, join(plan.root, 'out'), secrets);
    expect(db['labels']).toEqual({});
    expect(plan.reviews.filter((item) => item.level === 'blocker').map((item) => item.message)).toEqual([
      expect.stringMatching(/^services\.db\.labels\.leaked would hold the value of db\.POSTGRES_PASSWORD \(Cn\*{11}Lp, 16 chars\), a secret: left out of the migrated project/),
    ]);
    for (const write of files.writes) {
      if (!write.path.endsWith('secrets/postgres_password.txt')) expect(write.content, write.path).not.toContain(CANARY);
    }
  });

  it('does not write a file that would still hold one', () => {
    const plan = planOf({ 'compose.yaml': `services:\n  db:\n    image: postgres:16\n    environment: { POSTGRES_PASSWORD: ${CANARY} }\n` });
    // A .gitignore planes appends to (migrate --force into a directory that has one) holding the value.
    const out = projectWith({ '.gitignore': `# ${CANARY}\n` });
    const files = guardedProjectFiles(plan, out, searchedSecrets(plan.texts));
    expect(files.writes.map((write) => write.path)).not.toContain(join(out, '.gitignore'));
    expect(files.writes.map((write) => write.path)).toContain(join(out, 'secrets/postgres_password.txt'));
    expect(plan.reviews.map((item) => item.message)).toContainEqual(expect.stringMatching(/^\.gitignore not written: it would hold the value of db\.POSTGRES_PASSWORD/));
  });

  it('searches only values that cannot turn up by chance and are no ordinary text of the input', () => {
    const secrets = searchedSecrets({
      secrets: ['postgres', 'password', 'Sh0rt', 'true', 'changeme', CANARY, 'Xk9mP2vQ7rTz', 'app-Xk9mP2vQ'].map((value) => ({ value, from: 'x' })),
      ordinary: ['image app-Xk9mP2vQ:1'],
    });
    expect(secrets.occurringIn(`postgres password Sh0rt true changeme ${CANARY} Xk9mP2vQ7rTz app-Xk9mP2vQ`).map((secret) => secret.value).sort()).toEqual([CANARY, 'Xk9mP2vQ7rTz'].sort());
  });
});
