import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkProject } from '../../src/check/manifest.js';
import { loadManifest, parseTemplate, renderTemplate } from '../../src/manifest/index.js';
import { dsnTemplate, splitDsn } from '../../src/migrate/dsn.js';
import { knownProcess } from '../../src/migrate/images.js';
import { setupDevSecrets } from '../../src/setup/index.js';
import { projectWith } from '../support/project.js';
import { filesHolding } from './round-trip.js';
import { blockers, migrated, planOf, servicesOf } from './support.js';

const PASSWORD = 'Zq8rT4mLw2x9kPd';

describe('splitDsn: a URL with a password, split around it so that the template rebuilds it byte for byte', () => {
  it.each([
    { form: 'postgresql with port and path', value: `postgresql://app:${PASSWORD}@db:5432/shop`, before: 'postgresql://app:', after: '@db:5432/shop', password: PASSWORD },
    { form: 'mysql', value: `mysql://root:${PASSWORD}@db:3306/mysql`, before: 'mysql://root:', after: '@db:3306/mysql', password: PASSWORD },
    { form: 'redis without a user', value: `redis://:${PASSWORD}@cache:6379/0`, before: 'redis://:', after: '@cache:6379/0', password: PASSWORD },
    { form: 'amqp with a vhost', value: `amqp://guest:${PASSWORD}@rabbit:5672/orders`, before: 'amqp://guest:', after: '@rabbit:5672/orders', password: PASSWORD },
    { form: 'no port', value: `postgres://app:${PASSWORD}@db/shop`, before: 'postgres://app:', after: '@db/shop', password: PASSWORD },
    { form: 'no path', value: `redis://default:${PASSWORD}@cache`, before: 'redis://default:', after: '@cache', password: PASSWORD },
    { form: 'query string', value: `postgres://app:${PASSWORD}@db/shop?sslmode=require&application_name=api`, before: 'postgres://app:', after: '@db/shop?sslmode=require&application_name=api', password: PASSWORD },
    { form: 'reserved characters, percent-encoded', value: 'postgresql://app:p%40ss%3Aw0rd%2F%23%3F%25x@db/shop', before: 'postgresql://app:', after: '@db/shop', password: 'p@ss:w0rd/#?%x' },
    { form: 'unreserved - _ . ~ as they are', value: 'postgres://app:a-b_c.d~e9Xq@db/shop', before: 'postgres://app:', after: '@db/shop', password: 'a-b_c.d~e9Xq' },
    { form: 'UTF-8, percent-encoded', value: 'postgres://app:%C3%A9t%C3%A92024Xq@db/shop', before: 'postgres://app:', after: '@db/shop', password: 'été2024Xq' },
  ])('$form', ({ value, before, after, password }) => {
    const outcome = splitDsn(value);
    expect(outcome).toEqual({ split: { before, after, written: value.slice(before.length, value.length - after.length), password } });
    // What planes setup and Swarm render from the template and the password's file.
    const rendered = renderTemplate(parseTemplate(dsnTemplate({ before, after }, 'part')), { config: () => undefined, secret: () => password });
    expect(Buffer.from(rendered).equals(Buffer.from(value))).toBe(true);
  });

  it.each([
    { form: 'an @ not encoded in the password', value: 'postgres://app:p@ss9Xq@db/shop', why: /not written as urlencode writes it/ },
    { form: 'a sub-delimiter urlencode would encode', value: 'postgres://app:pass!9Xq@db/shop', why: /not written as urlencode writes it/ },
    { form: 'lower-case percent escapes', value: 'postgres://app:p%3aw9Xq@db/shop', why: /not written as urlencode writes it/ },
    { form: 'an encoded space (urlencode writes +)', value: 'postgres://app:p%20w9Xq@db/shop', why: /not written as urlencode writes it/ },
    { form: 'a malformed escape', value: 'postgres://app:p%zz9Xq@db/shop', why: /not valid percent-encoded/ },
    { form: 'a second credential in the query', value: `postgres://app:${PASSWORD}@db/shop?password=${PASSWORD}x`, why: /more than one credential/ },
    { form: 'template braces', value: `postgres://app:${PASSWORD}@{{db}}/shop`, why: /\{\{ or \}\}/ },
    { form: 'the password also as the user', value: `postgres://${PASSWORD}:${PASSWORD}@db/shop`, why: /also appears elsewhere/ },
    { form: 'text before the URL', value: `host=db url=postgres://app:${PASSWORD}@db/shop`, why: /not one URL/ },
  ])('stays whole: $form', ({ value, why }) => {
    const outcome = splitDsn(value);
    expect(outcome !== undefined && 'whole' in outcome ? outcome.whole : outcome).toMatch(why);
  });

  it.each([
    { form: "Go's MySQL DSN", value: `app:${PASSWORD}@tcp(db:3306)/shop` },
    { form: 'a URL without a password', value: 'postgres://db:5432/shop' },
    { form: 'no URL', value: PASSWORD },
  ])('finds no URL password in $form', ({ value }) => {
    expect(splitDsn(value)).toBeUndefined();
  });
});

describe('planes migrate: a DSN with a password becomes a templated secret', () => {
  const compose = (image: string, extra = ''): Record<string, string> => ({
    'compose.yaml': `services:
  api:
    image: ${image}
${extra}    environment:
      DATABASE_URL: "postgresql://shop:p%40ss%2Fw0rd%3A9Xq@db:5432/shop?sslmode=disable"
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: shop
      POSTGRES_PASSWORD: "p@ss/w0rd:9Xq"
`,
  });

  it('splits it: the password is one secret with the server\'s, the rest template text, and the image it knows gets the variable', () => {
    const plan = planOf(compose('node:20'));
    expect(plan.manifest['secrets']).toEqual({
      database_url: {
        description: 'rendered from the secret postgres_password; moved by planes migrate from api.DATABASE_URL',
        template: 'postgresql://shop:{{ secret.postgres_password | urlencode }}@db:5432/shop?sslmode=disable',
      },
      postgres_password: { description: 'moved by planes migrate from db.POSTGRES_PASSWORD, the password of api.DATABASE_URL' },
    });
    expect(plan.secretFiles).toEqual([
      { name: 'database_url', value: 'postgresql://shop:p%40ss%2Fw0rd%3A9Xq@db:5432/shop?sslmode=disable' },
      { name: 'postgres_password', value: 'p@ss/w0rd:9Xq' },
    ]);
    const api = servicesOf(plan)['api'];
    expect(api?.secrets).toEqual({ database_url: { variable: 'DATABASE_URL' } });
    expect(api?.['image_start']).toEqual({ entrypoint: ['docker-entrypoint.sh'], command: ['node'] });
    expect(blockers(plan)).toEqual([]);
  });

  it.each([
    {
      image: 'acme/api:3',
      extra: '',
      blocker: /DATABASE_URL: acme\/api has no \*_FILE convention planes knows, and planes does not know its ENTRYPOINT and CMD.*write secrets: \{ database_url: \{ variable: DATABASE_URL \} \} and image_start: \{ entrypoint: \[<the image's ENTRYPOINT>\], command: \[<the image's CMD>\] \}/,
    },
    { image: 'acme/api:3', extra: '    platform: wasi/wasm\n', blocker: /DATABASE_URL: acme\/api has no \*_FILE convention, and a wasi\/wasm \(WebAssembly\) image has no shell.*make the program read \/run\/secrets\/database_url/ },
    { image: 'gcr.io/distroless/nodejs20', extra: '', blocker: /a distroless image has no shell/ },
  ])('moves the password out all the same, and blocks on how $image$extra reads it', ({ image, extra, blocker }) => {
    const plan = planOf(compose(image, extra));
    expect((plan.manifest['secrets'] as Record<string, { template?: string }>)['database_url']?.template).toMatch(/\{\{ secret\.postgres_password \| urlencode \}\}/);
    expect(servicesOf(plan)['api']?.secrets).toEqual({ database_url: {} });
    expect(servicesOf(plan)['api']?.['image_start']).toBeUndefined();
    expect(blockers(plan)).toEqual([expect.stringMatching(blocker)]);
  });

  it('refuses the wrapper for an image its Dockerfile builds FROM scratch', () => {
    const plan = planOf({
      'compose.yaml': `services:\n  api:\n    build: ./api\n    environment: { API_TOKEN: ${PASSWORD} }\n`,
      'api/Dockerfile': 'FROM golang:1.22 AS build\nRUN go build -o /api .\nFROM scratch\nCOPY --from=build /api /api\nENTRYPOINT ["/api"]\n',
    });
    expect(blockers(plan)).toEqual([expect.stringMatching(/API_TOKEN: \S+ has no \*_FILE convention, and its Dockerfile builds it FROM scratch, which has no shell/)]);
    expect(servicesOf(plan)['api']?.secrets).toEqual({ api_token: {} });
  });

  it.each([
    { password: 'changeme', why: 'a placeholder, never merged on its likeness' },
    { password: PASSWORD, why: 'a real password' },
  ])('gives two services with the same DSN one templated secret and one password ($why)', ({ password }) => {
    const plan = planOf({
      'compose.yaml': `services:
  api: { image: node:20, environment: { DATABASE_URL: "postgres://app:${password}@db/shop" } }
  worker: { image: node:20, environment: { DATABASE_URL: "postgres://app:${password}@db/shop" } }
`,
    });
    expect(Object.keys(plan.manifest['secrets'] as object).sort()).toEqual(['database_url', 'database_url_password']);
    expect(servicesOf(plan)['api']?.secrets).toEqual({ database_url: { variable: 'DATABASE_URL' } });
    expect(servicesOf(plan)['worker']?.secrets).toEqual({ database_url: { variable: 'DATABASE_URL' } });
  });

  it('never copies a password from the Dockerfile\'s CMD into image_start', () => {
    const plan = planOf({
      'compose.yaml': `services:\n  api:\n    build: ./api\n    environment: { API_TOKEN: ${PASSWORD} }\n`,
      'api/Dockerfile': `FROM node:20\nCMD ["node", "server.js", "--password", "Hq7${PASSWORD}"]\n`,
    });
    expect(blockers(plan)).toEqual([expect.stringMatching(/^the image's ENTRYPOINT or CMD, learnt from \S+Dockerfile over planes' table of known images \(node\), holds a secret on its command line .*not written into compose\/stack\.yaml as image_start/)]);
    expect(servicesOf(plan)['api']?.['image_start']).toBeUndefined();
    expect(JSON.stringify(plan.manifest)).not.toContain(`Hq7${PASSWORD}`);
    expect(JSON.stringify(plan.reviews)).not.toContain(`Hq7${PASSWORD}`);
  });

  it('keeps a DSN the template cannot rebuild whole, as one secret, and says why', () => {
    const plan = planOf({ 'compose.yaml': `services:\n  api:\n    image: node:20\n    environment:\n      DATABASE_URL: "postgres://app:pass!9Xq@db/shop"\n` });
    expect(plan.manifest['secrets']).toEqual({ database_url: { description: 'moved by planes migrate from api.DATABASE_URL' } });
    expect(plan.secretFiles).toEqual([{ name: 'database_url', value: 'postgres://app:pass!9Xq@db/shop' }]);
    expect(plan.reviews.map((review) => review.message)).toContainEqual(expect.stringMatching(/^DATABASE_URL holds a URL with a password, kept whole as one secret: its password is not written as urlencode writes it/));
  });

  it('round trip: planes setup renders the DSN from the migrated project byte for byte, and neither it nor its password is in any other file', () => {
    const value = 'postgresql://shop:p%40ss%2Fw0rd%3A9Xq@db:5432/shop?sslmode=disable';
    const root = projectWith(compose('node:20'));
    const report = migrated(root);
    expect(report.reviews.filter((item) => item.level === 'blocker')).toEqual([]);
    const out = join(root, 'out');
    rmSync(join(out, 'secrets', 'database_url.txt'));
    const result = setupDevSecrets(loadManifest(join(out, 'compose', 'stack.yaml')), out);
    expect(result.rendered).toEqual(['secrets/database_url.txt']);
    expect(readFileSync(join(out, 'secrets', 'database_url.txt')).equals(Buffer.from(value))).toBe(true);
    for (const secret of [value, 'p%40ss%2Fw0rd%3A9Xq', 'p@ss/w0rd:9Xq']) expect(filesHolding(out, secret)).toEqual([]);
    expect(readdirSync(join(out, 'secrets')).filter((file) => file.endsWith('.txt')).sort()).toEqual(['database_url.txt', 'postgres_password.txt']);
    expect(checkProject({ cwd: out, environment: {} }).report.findings.filter((finding) => finding.severity === 'error')).toEqual([]);
  });
});

describe("planes' table of known images", () => {
  it.each([
    { image: 'rust:buster@sha256:f5da153862af6a25fcf49dde3cb19b5b513f78bc00e317eb64e898a66af2881d', entrypoint: [], cmd: ['bash'] },
    { image: 'rust', entrypoint: [], cmd: ['bash'] },
    { image: 'docker.io/library/rust:1.77-slim-bookworm', entrypoint: [], cmd: ['bash'] },
    { image: 'rust:1.77-alpine3.19', entrypoint: [], cmd: ['/bin/sh'] },
    { image: 'node:20-alpine', entrypoint: ['docker-entrypoint.sh'], cmd: ['node'] },
  ])('$image', ({ image, entrypoint, cmd }) => {
    expect(knownProcess(image)).toEqual({ entrypoint, cmd, from: expect.stringContaining("planes' table of known images") });
  });

  it('knows nothing of an image it has no entry for (mcr.microsoft.com/azure-sql-edge publishes no Dockerfile)', () => {
    expect(knownProcess('mcr.microsoft.com/azure-sql-edge:1.0.4')).toBeUndefined();
  });
});

describe('planes migrate: a Dockerfile it carries over with a secret ARG or ENV', () => {
  it('names the Dockerfile line and the BuildKit secret fix as a blocker, for each secret and nothing else', () => {
    const plan = planOf({
      'compose.yaml': 'services:\n  web:\n    build: ./web\n',
      'web/Dockerfile': `FROM node:20\nARG NODE_ENV=production\nARG NPM_TOKEN\nENV API_KEY=${PASSWORD}\nRUN npm ci\n`,
    });
    const found = blockers(plan);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^web\/Dockerfile:3: ARG NPM_TOKEN: .*planes migrate does not rewrite Dockerfiles: .*RUN --mount=type=secret,id=npm_token/);
    expect(found[1]).toMatch(/^web\/Dockerfile:4: ENV API_KEY: .*RUN --mount=type=secret,id=api_key/);
    expect(found.join('\n')).not.toContain(PASSWORD);
    expect(plan.reviews.filter((item) => item.level === 'blocker').map((item) => item.where)).toEqual([
      { file: 'web/Dockerfile', line: 3, column: expect.any(Number) },
      { file: 'web/Dockerfile', line: 4, column: expect.any(Number) },
    ]);
  });
});
