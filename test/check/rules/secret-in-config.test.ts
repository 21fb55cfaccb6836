import { describe, it } from 'vitest';
import { secretInConfigRule } from '../../../src/check/rules/secret-in-config.js';
import { checkRow, type Expected, type Row } from './secret-table.js';

const GITHUB_TOKEN = `ghp_${'x7Kq2mZ9'.repeat(4)}abcd`;
const PASSWORD = 'Qv7hLm2xRt9wZk4nBy';
const KEY_BODY = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7';

function found(key: string, file: string, needle: string, message: string[], path?: string | null): Expected {
  return { rule: 'secret-in-config', severity: 'error', key, service: null, at: { file, needle }, message, ...(path === undefined ? {} : { path }) };
}

const SERVICE = 'services:\n  web:\n    image: nginx:1.27\n    configs: [site]\n';

const ROWS: Row[] = [
  {
    name: 'a config made from a secret-named variable',
    files: { 'compose.yaml': `${SERVICE}configs:\n  site:\n    environment: DB_PASSWORD\n`, '.env': `DB_PASSWORD=${PASSWORD}\n` },
    expected: [found('site', 'compose.yaml', 'DB_PASSWORD', ['config site is made from DB_PASSWORD, a secret', 'make it a secret'], 'configs.site.environment')],
    secrets: [PASSWORD],
  },
  {
    name: 'a config made from a variable holding a credential',
    files: { 'compose.yaml': `${SERVICE}configs:\n  site:\n    environment: SITE_SETTINGS\n`, '.env': `SITE_SETTINGS=${GITHUB_TOKEN}\n` },
    expected: [found('site', 'compose.yaml', 'SITE_SETTINGS', ['which holds a secret: GitHub token'])],
    secrets: [GITHUB_TOKEN],
  },
  {
    name: 'a URL with a password in inline content',
    files: { 'compose.yaml': `${SERVICE}configs:\n  site:\n    content: |\n      listen: 80\n      upstream: postgres://app:${PASSWORD}@db/app\n` },
    expected: [found('site', 'compose.yaml', PASSWORD, ['the content of config site holds a secret', 'URL'], 'configs.site.content')],
    secrets: [PASSWORD],
  },
  {
    name: 'a credential in folded content: at the start of the content',
    files: { 'compose.yaml': `${SERVICE}configs:\n  site:\n    content: >\n      upstream:\n      postgres://app:${PASSWORD}@db/app\n` },
    expected: [found('site', 'compose.yaml', 'upstream', ['the content of config site holds a secret'])],
    secrets: [PASSWORD],
  },
  {
    name: 'a private key in the file a config is read from, located in that file',
    files: {
      'compose.yaml': `${SERVICE}configs:\n  site:\n    file: ./tls/site.pem\n`,
      'tls/site.pem': `-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\n${KEY_BODY}\n-----END PRIVATE KEY-----\n`,
    },
    expected: [found('site', 'tls/site.pem', '-----BEGIN PRIVATE KEY', ['tls/site.pem, the file of config site, holds a secret: private key'], null)],
    secrets: [KEY_BODY],
  },
  {
    name: 'configs without secrets: a plain file, plain content, a harmless variable, a missing file',
    files: {
      'compose.yaml': `${SERVICE}configs:\n  site:\n    file: ./nginx.conf\n  motd:\n    content: "welcome"\n  mode:\n    environment: APP_MODE\n  gone:\n    file: ./missing.conf\n`,
      'nginx.conf': 'server { listen 80; location / { proxy_pass http://app:8080; } }\n',
      '.env': 'APP_MODE=production\n',
    },
    expected: [],
  },
  {
    name: "the database password written again into an app's config file, at its line there",
    files: {
      'compose.yaml': `services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: \${POSTGRES_PASSWORD}\n  web:\n    image: example/web\n    configs: [app]\nconfigs:\n  app:\n    file: ./app.ini\n`,
      '.env': `POSTGRES_PASSWORD=${PASSWORD}\n`,
      'app.ini': `[database]\nhost = db\nuser = app\nsecond = ${PASSWORD}\n`,
    },
    expected: [
      { rule: 'secret-in-config', severity: 'error', key: 'app', service: null, at: { file: 'app.ini', needle: PASSWORD }, message: ['app.ini, the file of config app, holds a secret: the value of the secret POSTGRES_PASSWORD'] },
    ],
    secrets: [PASSWORD],
  },
  {
    name: 'look-alike: a weak password shared with the user name is not searched for',
    files: {
      'compose.yaml': `services:\n  web:\n    image: example/web\n    configs: [app]\nconfigs:\n  app:\n    content: |\n      user = postgres\n      database = postgres\n`,
      '.env': 'POSTGRES_PASSWORD=postgres\n',
    },
    expected: [],
  },
];

describe('secret-in-config', () => {
  it.each(ROWS.map((row) => [row.name, row] as const))('%s', (_, row) => {
    checkRow([secretInConfigRule], row);
  });
});
