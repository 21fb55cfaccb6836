import { describe, expect, it } from 'vitest';
import { blockers, planOf, servicesOf } from './support.js';

const PASSWORD = 'Zq8-rT4m-Lw2x-9kPd';

describe('planning the manifest: secrets', () => {
  it('mounts a secret through the image\'s *_FILE convention, and shares one value between services as one secret', () => {
    const plan = planOf({
      'compose.yaml': `services:
  db:
    image: postgres:16-alpine
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: ${PASSWORD}
  wp:
    image: wordpress:6
    environment:
      - WORDPRESS_DB_USER=app
      - WORDPRESS_DB_PASSWORD=${PASSWORD}
`,
    });
    expect(plan.manifest['secrets']).toEqual({ postgres_password: { description: 'moved by planes migrate from db.POSTGRES_PASSWORD, wp.WORDPRESS_DB_PASSWORD' } });
    expect(plan.secretFiles).toEqual([{ name: 'postgres_password', value: PASSWORD }]);
    const services = servicesOf(plan);
    expect(services['db']?.secrets).toEqual({ postgres_password: { env: 'POSTGRES_PASSWORD_FILE' } });
    expect(services['wp']?.secrets).toEqual({ postgres_password: { env: 'WORDPRESS_DB_PASSWORD_FILE' } });
    expect(plan.manifest['config']).toEqual({ POSTGRES_USER: 'app', WORDPRESS_DB_USER: 'app' });
    expect(blockers(plan)).toEqual([]);
    expect(plan.reviews.map((r) => r.message).join('\n')).toMatch(/one secret postgres_password for db.POSTGRES_PASSWORD, wp.WORDPRESS_DB_PASSWORD/);
  });

  it('keeps two variables of one service in two secrets even when equal: a service mounts a secret once', () => {
    const plan = planOf({
      'compose.yaml': `services:
  db:
    image: mariadb:11
    environment: { MYSQL_ROOT_PASSWORD: ${PASSWORD}, MYSQL_PASSWORD: ${PASSWORD} }
`,
    });
    expect(servicesOf(plan)['db']?.secrets).toEqual({ mysql_root_password: { env: 'MYSQL_ROOT_PASSWORD_FILE' }, mysql_password: { env: 'MYSQL_PASSWORD_FILE' } });
  });

  it('does not merge equal placeholders of unrelated variables', () => {
    const plan = planOf({
      'compose.yaml': `services:
  a: { image: postgres, environment: { POSTGRES_PASSWORD: changeit } }
  b: { image: dpage/pgadmin4, environment: { PGADMIN_DEFAULT_PASSWORD: changeit } }
`,
    });
    expect(Object.keys(plan.manifest['secrets'] as object)).toEqual(['postgres_password', 'pgadmin_default_password']);
  });

  it('gives a secret as a variable to an image without a *_FILE convention, with the image\'s own process as image_start', () => {
    const plan = planOf({
      'compose.yaml': `services:
  git:
    image: gitea/gitea:1.22
    environment: [DB_PASSWD=${PASSWORD}]
`,
    });
    const git = servicesOf(plan)['git'];
    expect(git?.['entrypoint']).toBeUndefined();
    expect(git?.['command']).toBeUndefined();
    expect(git?.['image_start']).toEqual({ entrypoint: ['/usr/bin/entrypoint'], command: ['/usr/bin/s6-svscan', '/etc/s6'] });
    expect(git?.secrets).toEqual({ db_passwd: { variable: 'DB_PASSWD' } });
    expect(blockers(plan)).toEqual([]);
    const wrapperReview = plan.reviews.find((r) => r.message.includes("planes' wrapper"));
    expect(wrapperReview?.level).toBe('review');
    expect(wrapperReview?.message).toMatch(/docker inspect/);
  });

  it('starts the service\'s own entrypoint, as a list, and its command through the wrapper', () => {
    const plan = planOf({
      'compose.yaml': `services:
  app:
    image: example/app
    entrypoint: /app/start --verbose
    command: ["serve"]
    environment: { API_TOKEN: ${PASSWORD} }
`,
    });
    const app = servicesOf(plan)['app'];
    expect(app?.['entrypoint']).toEqual(['/app/start', '--verbose']);
    expect(app?.['command']).toEqual(['serve']);
    expect(app?.['image_start']).toBeUndefined();
    expect(app?.secrets).toEqual({ api_token: { variable: 'API_TOKEN' } });
    expect(blockers(plan)).toEqual([]);
  });

  it('says "no command" as [] under the service\'s own entrypoint, which makes the engine ignore the image\'s CMD', () => {
    const plan = planOf({ 'compose.yaml': `services:\n  app:\n    image: example/app\n    entrypoint: ["/app/start"]\n    environment: { API_TOKEN: ${PASSWORD} }\n` });
    const app = servicesOf(plan)['app'];
    expect(app?.['entrypoint']).toEqual(['/app/start']);
    expect(app?.['command']).toEqual([]);
    expect(app?.['image_start']).toBeUndefined();
    expect(blockers(plan)).toEqual([]);
  });

  it('learns ENTRYPOINT and CMD from the Dockerfile a service is built from', () => {
    const plan = planOf({
      'compose.yaml': `services:
  api:
    build: { context: ./api, target: run }
    environment: { SESSION_SECRET: ${PASSWORD} }
`,
      'api/Dockerfile': 'FROM python:3.12 AS base\nENTRYPOINT ["/app/entrypoint.sh"]\nFROM base AS run\nCMD ["gunicorn", "app:app"]\nFROM base AS test\nCMD ["pytest"]\n',
    });
    const api = servicesOf(plan)['api'];
    expect(api?.['image_start']).toEqual({ entrypoint: ['/app/entrypoint.sh'], command: ['gunicorn', 'app:app'] });
    expect(api?.secrets).toEqual({ session_secret: { variable: 'SESSION_SECRET' } });
    expect(api?.image).toMatch(/-api$/);
  });

  it('asks a local lookup for an image it does not know, and blocks when nobody knows', () => {
    const compose = { 'compose.yaml': `services:\n  x:\n    image: acme/server:2\n    environment: { ACME_PASSWORD: ${PASSWORD} }\n` };
    const known = planOf(compose, (image) => (image === 'acme/server:2' ? { entrypoint: ['/init'], cmd: ['acme', 'run'], from: 'local' } : undefined));
    expect(servicesOf(known)['x']?.['image_start']).toEqual({ entrypoint: ['/init'], command: ['acme', 'run'] });
    expect(servicesOf(known)['x']?.secrets).toEqual({ acme_password: { variable: 'ACME_PASSWORD' } });

    const unknown = planOf(compose);
    expect(blockers(unknown).join('\n')).toMatch(/ACME_PASSWORD: acme\/server has no \*_FILE convention planes knows, and planes does not know its ENTRYPOINT/);
    // The exact lines the user adds once the image's process is known.
    expect(blockers(unknown).join('\n')).toContain("under services.x, write secrets: { acme_password: { variable: ACME_PASSWORD } } and image_start: { entrypoint: [<the image's ENTRYPOINT>], command: [<the image's CMD>] }");
    expect(servicesOf(unknown)['x']?.['image_start']).toBeUndefined();
    expect(servicesOf(unknown)['x']?.secrets).toEqual({ acme_password: {} });
  });

  it('keeps an existing compose secret under a manifest name, at its old path, with its *_FILE variable', () => {
    const plan = planOf({
      'compose.yaml': `services:
  db:
    image: mariadb:11
    secrets: [db-password]
    environment: [MYSQL_ROOT_PASSWORD_FILE=/run/secrets/db-password]
  api:
    image: example/api
    secrets: [db-password]
    environment: [DATABASE_PASSWORD=/run/secrets/db-password]
secrets:
  db-password:
    file: db/password.txt
`,
      'db/password.txt': PASSWORD,
    });
    const services = servicesOf(plan);
    expect(services['db']?.secrets).toEqual({ db_password: { target: 'db-password', env: 'MYSQL_ROOT_PASSWORD_FILE' } });
    expect(services['api']?.secrets).toEqual({ db_password: { target: 'db-password', env: 'DATABASE_PASSWORD' } });
    expect(plan.secretFiles).toEqual([{ name: 'db_password', value: PASSWORD }]);
    expect(plan.manifest['config']).toBeUndefined();
  });

  it('reads a moved secret from its file in a healthcheck, and turns an exec-form one into CMD-SHELL', () => {
    const plan = planOf({
      'compose.yaml': `services:
  db:
    image: mcr.microsoft.com/mssql/server:2022-latest
    environment: { SA_PASSWORD: ${PASSWORD} }
    healthcheck:
      test: ["CMD-SHELL", "sqlcmd -U sa -P ${PASSWORD} -Q 'SELECT 1' || exit 1"]
  cache:
    image: redis:7
    environment: { REDIS_PASSWORD: ${PASSWORD}2 }
    healthcheck:
      test: ["CMD", "redis-cli", "-a", "${PASSWORD}2", "ping"]
`,
    });
    const services = servicesOf(plan);
    expect(services['db']?.['healthcheck']).toEqual({ test: ['CMD-SHELL', `sqlcmd -U sa -P "$$(cat /run/secrets/sa_password)" -Q 'SELECT 1' || exit 1`] });
    expect(services['cache']?.['healthcheck']).toEqual({ test: ['CMD-SHELL', 'redis-cli -a "$$(cat /run/secrets/redis_password)" ping'] });
    expect(JSON.stringify(plan.manifest)).not.toContain(PASSWORD);
  });

  it('cannot read a secret from its file on an exec-form command: says so once', () => {
    const plan = planOf({
      'compose.yaml': `services:
  cache:
    image: redis:7
    environment: { REDIS_PASSWORD: ${PASSWORD} }
    command: ["redis-server", "--requirepass", "${PASSWORD}"]
`,
    });
    expect(blockers(plan)).toEqual([expect.stringMatching(/^command passes the secret redis_password \(.*\) as an argument with no shell to read it from its file/)]);
    expect(blockers(plan).join()).not.toContain(PASSWORD);
  });

  it('leaves a password equal to a user name where no password goes, for review', () => {
    const plan = planOf({
      'compose.yaml': `services:
  db:
    image: postgres
    environment: { POSTGRES_USER: gitea, POSTGRES_PASSWORD: gitea }
    healthcheck: { test: ["CMD-SHELL", "pg_isready -U gitea"] }
`,
    });
    expect(servicesOf(plan)['db']?.['healthcheck']).toEqual({ test: ['CMD-SHELL', 'pg_isready -U gitea'] });
    expect(plan.reviews.map((r) => r.message).join('\n')).toMatch(/healthcheck holds the value of the secret postgres_password \(.*\) where no password goes/);
  });

  it('replaces a reference to a moved variable in a healthcheck script', () => {
    const plan = planOf({
      'compose.yaml': `services:
  db:
    image: mysql:8
    environment: { MYSQL_ROOT_PASSWORD: ${PASSWORD} }
    healthcheck: { test: "mysqladmin ping -p$$MYSQL_ROOT_PASSWORD" }
`,
    });
    expect(servicesOf(plan)['db']?.['healthcheck']).toEqual({ test: 'mysqladmin ping -p"$$(cat /run/secrets/mysql_root_password)"' });
  });

  it('moves a secret build argument to a build secret and says the Dockerfile must change', () => {
    const plan = planOf({
      'compose.yaml': `services:
  api:
    image: example/api
    build:
      context: .
      args: { NPM_TOKEN: npm_${'A1b2C3d4E5'.repeat(3)}abcdef, NODE_ENV: production }
`,
    });
    expect(plan.manifest['build_secrets']).toEqual({ npm_token: { file: 'secrets/npm_token.txt' } });
    expect(servicesOf(plan)['api']?.build).toEqual({ context: '..', args: { NODE_ENV: 'production' }, secrets: ['npm_token'] });
    expect(blockers(plan).join()).toMatch(/RUN --mount=type=secret,id=npm_token/);
  });

  it('says where an interpolated secret came from', () => {
    const plan = planOf({
      'compose.yaml': 'services:\n  db:\n    image: postgres\n    environment: ["POSTGRES_PASSWORD=${PG_PW}"]\n',
      '.env': `PG_PW=${PASSWORD}\n`,
    });
    expect(plan.secretFiles).toEqual([{ name: 'postgres_password', value: PASSWORD }]);
    expect(plan.reviews.map((r) => r.message).join('\n')).toMatch(/POSTGRES_PASSWORD was filled in from \$\{PG_PW\} \(\.env:1\); its value now lives in secrets\/postgres_password\.txt/);
  });
});

describe('planning the manifest: env files and one plane per variable', () => {
  it('sorts the entries of an env_file like those of environment, environment winning', () => {
    const plan = planOf({
      'compose.yaml': 'services:\n  api:\n    image: postgres\n    env_file: [api.env]\n    environment: { LOG_LEVEL: debug }\n',
      'api.env': `LOG_LEVEL=info\nPOSTGRES_PASSWORD=${PASSWORD}\n`,
    });
    expect(plan.manifest['config']).toEqual({ LOG_LEVEL: 'debug' });
    expect(plan.secretFiles).toEqual([{ name: 'postgres_password', value: PASSWORD }]);
    expect(plan.rows.map(({ key, plane, where }) => `${key} ${plane} ${where.file}:${where.line}`)).toEqual(['POSTGRES_PASSWORD secret api.env:2', 'LOG_LEVEL config compose.yaml:5']);
  });

  it('makes a variable a secret in every service once it is one in any', () => {
    const plan = planOf({
      'compose.yaml': `services:
  a: { image: x, environment: { DATABASE_URL: "postgres://app:${PASSWORD}@db/app" } }
  b: { image: y, environment: { DATABASE_URL: "postgres://db/app" } }
`,
    });
    expect(plan.manifest['config']).toBeUndefined();
    // a's URL is templated: its password a secret of its own.
    expect(Object.keys(plan.manifest['secrets'] as object)).toEqual(['database_url', 'database_url_b', 'database_url_password']);
    expect(plan.reviews.map((r) => r.message).join('\n')).toMatch(/DATABASE_URL holds no secret in b, but does in a/);
  });
});

describe('planning the manifest: config and pass-through', () => {
  it('shares one config value between services, and blocks on two values for one key', () => {
    const plan = planOf({
      'compose.yaml': `services:
  a: { image: x, environment: { LOG_LEVEL: info, PORT: "8000" } }
  b: { image: y, environment: { LOG_LEVEL: info, PORT: "9000" } }
`,
    });
    expect(plan.manifest['config']).toEqual({ LOG_LEVEL: 'info', PORT: '8000' });
    expect(servicesOf(plan)['b']?.config).toEqual(['LOG_LEVEL']);
    expect(blockers(plan)).toEqual(['PORT: a sets it to another value; the manifest has one value per config setting for all services']);
  });

  it('reports a config value env files cannot carry for both Compose and Swarm, and names unexpressible keys', () => {
    const plan = planOf({
      'compose.yaml': `services:
  a:
    image: x
    userns_mode: host
    environment: { GREETING: "say $$HOME", discovery.type: single-node, "9LIVES": "yes" }
`,
    });
    const found = blockers(plan).join('\n');
    expect(found).toMatch(/config GREETING: this value would be read differently/);
    expect(found).toMatch(/9LIVES: the manifest takes config names of letters, digits, _ \. and - only/);
    expect(found).not.toMatch(/discovery\.type/);
    expect(found).toMatch(/userns_mode: the manifest cannot express this key/);
    expect(plan.manifest['config']).toEqual({ 'discovery.type': 'single-node' });
  });

  it('passes everything else through, rebasing host paths onto the new project and escaping $', () => {
    const plan = planOf({
      'compose.yaml': `services:
  web:
    build: ./web
    ports: ["8080:80"]
    volumes: ["./html:/usr/share/nginx/html:ro", "data:/data", {type: bind, source: ./conf, target: /etc/conf}]
    command: ["sh", "-c", "echo $$HOSTNAME"]
    depends_on: [db]
    networks: [front]
  db: { image: postgres, networks: { back: { aliases: [database] } } }
volumes: { data: {} }
networks: { front: {}, back: {} }
`,
    });
    const web = servicesOf(plan)['web'];
    expect(web?.build).toEqual({ context: '../web' });
    expect(web?.['volumes']).toEqual(['../html:/usr/share/nginx/html:ro', 'data:/data', { type: 'bind', source: '../conf', target: '/etc/conf' }]);
    expect(web?.['command']).toEqual(['sh', '-c', 'echo $$HOSTNAME']);
    expect(web?.['depends_on']).toEqual(['db']);
    expect(web?.['networks']).toEqual(['front']);
    expect(servicesOf(plan)['db']?.['networks']).toEqual({ back: { aliases: ['database'] } });
    expect(plan.manifest['volumes']).toEqual({ data: {} });
  });
});
