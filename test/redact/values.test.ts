import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ADVERSARIAL_VALUES, ordinaryValues } from '../../bench/adversarial.js';
import {
  CREDENTIAL_FORMATS,
  detectCredentials,
  isHarmlessValue,
  isPlaceholder,
  looksLikeFilePath,
  type CredentialSeverity,
} from '../../src/redact/values.js';
import { judgeSetting } from '../../src/judge/index.js';

// Test tokens are built, never pasted: each has the shape of its format and a body that
// spells out that it is synthetic. No real credential appears in this file.
const ALNUM = 'Pl4nesSynth3ticT0kenQ8w7E6r5';
const HEX = '0123456789abcdef';
/** A deterministic pseudo-random run over the alphabet (fixed-seed MINSTD), so tokens look random. */
function body(alphabet: string, length: number): string {
  let state = 20_240_601;
  return Array.from({ length }, () => {
    state = (state * 48_271) % 2_147_483_647;
    return alphabet[state % alphabet.length];
  }).join('');
}
const base64url = (text: string): string => Buffer.from(text).toString('base64url');
const SYNTHETIC_JWT = `${base64url('{"alg":"HS256","typ":"JWT"}')}.${base64url('{"sub":"planes-synthetic","iat":1700000000}')}.${body(ALNUM, 43)}`;
const SYNTHETIC_PEM_BODY = Array.from({ length: 6 }, () => body(ALNUM + '+/', 64)).join('\n');

interface ValueRow {
  label: string;
  value: string;
  /** Expected detector ids, in order of position. */
  ids: string[];
  severity?: CredentialSeverity;
  /** The credential inside the value, when the match must cover exactly it. */
  credential?: string;
}

/** leak-cases.md vectors whose verdict depends on the value. */
const LEAK_CASE_VALUES: ValueRow[] = [
  { label: 'case 1: plain password, caught by name only', value: 'hunter2isverysecret', ids: [] },
  { label: 'case 13: Stripe live key', value: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', ids: ['stripe-secret-key'], severity: 'error' },
  { label: 'case 14: credential URL', value: 'postgres://app:S3cr3tPassw0rd@db/app', ids: ['credential-url'], severity: 'error', credential: 'S3cr3tPassw0rd' },
  // Case 15 is judged on the reference (a secret-named variable interpolated into the value): the text itself holds no secret.
  { label: 'case 15: URL password from a variable (raw form)', value: 'postgres://app:${DB_PASSWORD}@db/app', ids: [] },
  { label: 'case 16: URL password with a literal default (raw form)', value: 'postgres://app:${DB_PASSWORD:-Tr0ub4dor3}@db/app', ids: ['credential-url'], severity: 'error' },
  { label: 'case 17: empty user, password present', value: 'redis://:R3disPass99@redis:6379/0', ids: ['credential-url'], severity: 'error', credential: 'R3disPass99' },
  { label: 'case 18: no credentials', value: 'redis://redis:6379/0', ids: [] },
  { label: 'case 23: git SHA build arg', value: 'abc123', ids: [] },
  { label: 'case 23: version build arg', value: '20', ids: [] },
  { label: 'case 30: GitHub token in a label', value: 'ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5', ids: ['github-token'], severity: 'error' },
  { label: 'case 31: htpasswd apr1 hash (after $$ unescaping)', value: 'admin:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/', ids: ['apr1-hash'], severity: 'warning' },
  { label: "case 32: AWS's documented example key", value: 'AKIAIOSFODNN7EXAMPLE', ids: [] },
  { label: 'case 32: an AWS access key ID', value: 'AKIAZ3MSJV7WLXQ4TB6N', ids: ['aws-access-key-id'], severity: 'error' },
];

const OWN_POSITIVES: ValueRow[] = [
  { label: 'GitHub fine-grained token', value: `github_pat_${body(ALNUM, 22)}_${body(ALNUM, 59)}`, ids: ['github-fine-grained-token'] },
  { label: 'GitHub app token inside a clone URL', value: `https://x-access-token:ghs_${body(ALNUM, 36)}@github.com/org/repo.git`, ids: ['github-token'] },
  { label: 'GitLab personal access token', value: `glpat-${body(ALNUM, 20)}`, ids: ['gitlab-personal-access-token'] },
  { label: 'GitLab routable token', value: `glpat-${body(ALNUM, 27)}.01.${body(HEX, 9)}`, ids: ['gitlab-personal-access-token'] },
  { label: 'GitLab deploy token', value: `gldt-${body(ALNUM, 20)}`, ids: ['gitlab-token'] },
  { label: 'Slack bot token', value: `xoxb-${body('0123456789', 12)}-${body('0123456789', 13)}-${body(ALNUM, 24)}`, ids: ['slack-token'] },
  { label: 'Slack webhook', value: `https://hooks.slack.com/services/T${body('ABCDEFGH0123', 8)}/B${body('ABCDEFGH0123', 8)}/${body(ALNUM, 24)}`, ids: ['slack-webhook'] },
  { label: 'Stripe restricted key', value: `rk_live_${body(ALNUM, 24)}`, ids: ['stripe-secret-key'] },
  { label: 'Stripe webhook secret', value: `whsec_${body(ALNUM, 32)}`, ids: ['stripe-webhook-secret'] },
  { label: 'OpenAI project key', value: `sk-proj-${body(ALNUM + '_-', 100)}`, ids: ['openai-api-key'] },
  { label: 'OpenAI legacy key', value: `sk-${body(ALNUM, 20)}T3BlbkFJ${body(ALNUM, 20)}`, ids: ['openai-api-key'] },
  { label: 'Anthropic key', value: `sk-ant-api03-${body(ALNUM + '_-', 93)}AA`, ids: ['anthropic-api-key'] },
  { label: 'npm token', value: `npm_${body(ALNUM, 36)}`, ids: ['npm-token'] },
  { label: 'npmrc auth line', value: `//registry.npmjs.org/:_authToken=npm_${body(ALNUM, 36)}`, ids: ['npm-token'] },
  { label: 'Google API key', value: `AIza${body(ALNUM + '_-', 35)}`, ids: ['google-api-key'] },
  { label: 'JWT', value: SYNTHETIC_JWT, ids: ['jwt'] },
  { label: 'RSA private key block', value: `-----BEGIN RSA PRIVATE KEY-----\n${SYNTHETIC_PEM_BODY}\n-----END RSA PRIVATE KEY-----\n`, ids: ['private-key'] },
  { label: 'OpenSSH private key with escaped newlines', value: `-----BEGIN OPENSSH PRIVATE KEY-----\\n${body(ALNUM, 70)}\\n-----END OPENSSH PRIVATE KEY-----`, ids: ['private-key'] },
  { label: 'SendGrid key', value: `SG.${body(ALNUM, 22)}.${body(ALNUM, 43)}`, ids: ['sendgrid-api-key'] },
  { label: 'DigitalOcean token', value: `dop_v1_${body(HEX, 64)}`, ids: ['digitalocean-token'] },
  { label: 'Vault service token', value: `hvs.${body(ALNUM, 90)}`, ids: ['vault-token'] },
  { label: 'Hugging Face token', value: `hf_${body(ALNUM, 34)}`, ids: ['huggingface-token'] },
  { label: 'Docker Hub token', value: `dckr_pat_${body(ALNUM, 27)}`, ids: ['docker-hub-token'] },
  { label: 'AWS credentials file line', value: `aws_secret_access_key = ${body(ALNUM + '/+', 40)}`, ids: ['aws-secret-access-key'] },
  { label: 'Azure storage connection string', value: `DefaultEndpointsProtocol=https;AccountName=planes;AccountKey=${body(ALNUM + '+/', 86)}==;EndpointSuffix=core.windows.net`, ids: ['azure-storage-key'] },
  { label: 'Go MySQL DSN', value: 'app:Pl4nesDsnPass@tcp(db:3306)/app', ids: ['credential-dsn'], credential: 'Pl4nesDsnPass' },
  { label: 'JDBC URL with a password parameter', value: 'jdbc:postgresql://db:5432/app?user=app&password=Pl4nesJdbc9', ids: ['secret-assignment'], credential: 'Pl4nesJdbc9' },
  { label: 'libpq key=value DSN', value: 'host=db user=app password=Pl4nesLibpq9 dbname=app', ids: ['secret-assignment'], credential: 'Pl4nesLibpq9' },
  { label: 'ADO.NET connection string', value: 'Server=db;Database=app;User Id=sa;Password=Pl4nes;Ado9;', ids: ['secret-assignment'] },
  { label: 'Java system property', value: '-Xmx512m -Dspring.datasource.password=Pl4nesJava9', ids: ['secret-assignment'], credential: 'Pl4nesJava9' },
  { label: 'SPRING_APPLICATION_JSON', value: '{"spring":{"datasource":{"username":"app","password":"Pl4nesJson9"}}}', ids: ['secret-assignment'], credential: 'Pl4nesJson9' },
  { label: 'Docker auth config JSON', value: `{"auths":{"registry.example.com":{"auth":"${Buffer.from('ci:Pl4nesRegistry9').toString('base64')}"}}}`, ids: ['secret-assignment'] },
  { label: 'Authorization Basic header', value: `Authorization: Basic ${Buffer.from('admin:Pl4nesBasic9').toString('base64')}`, ids: ['authorization-header'] },
  { label: 'Authorization Bearer header', value: `Authorization: Bearer ${body(ALNUM, 32)}`, ids: ['authorization-header'] },
  { label: 'Authorization from a variable: the name of a secret, not one', value: 'Authorization: Bearer ${API_TOKEN}', ids: [] },
  { label: 'bare Bearer credentials', value: `Bearer ${body(ALNUM, 32)}`, ids: ['authorization-header'] },
  { label: 'bcrypt hash', value: `admin:$2y$10$${body(ALNUM + './', 53)}`, ids: ['bcrypt-hash'], severity: 'warning' },
  { label: 'SHA-512 crypt hash', value: `$6$${body(ALNUM, 16)}$${body(ALNUM + './', 86)}`, ids: ['sha-crypt-hash'], severity: 'warning' },
  { label: 'Argon2 hash', value: `$argon2id$v=19$m=65536,t=3,p=4$${body(ALNUM, 22)}$${body(ALNUM, 43)}`, ids: ['argon2-hash'], severity: 'warning' },
  { label: 'URL with a placeholder password', value: 'postgres://app:changeme@db/app', ids: ['credential-url'], severity: 'warning' },
  { label: 'mongodb+srv URL', value: 'mongodb+srv://app:Pl4nesMongo9@cluster0.mongodb.net/app', ids: ['credential-url'] },
  { label: 'amqp URL', value: 'amqp://guest:Pl4nesRabbit9@rabbitmq:5672/', ids: ['credential-url'] },
  { label: 'URL password holding # and ?', value: 'postgres://app:Xk9#mP?2v@db/app', ids: ['credential-url'], credential: 'Xk9#mP?2v' },
  { label: 'URL password holding @', value: 'postgres://app:p@ss@db/app', ids: ['credential-url'], credential: 'p@ss' },
  { label: 'two credential URLs', value: 'primary=postgres://a:Pl4nesOne9@db1/app replica=postgres://a:Pl4nesTwo9@db2/app', ids: ['credential-url', 'credential-url'] },
  { label: 'Telegram bot token', value: `123456789:AA${body(ALNUM, 33)}`, ids: ['telegram-bot-token'] },
];

const OWN_NEGATIVES: ValueRow[] = [
  { label: 'UUID', value: '3f2504e0-4f89-11d3-9a0c-0305e82c3301', ids: [] },
  { label: 'git SHA', value: 'e83c5163316f89bfbde7d9ab23ca2e25604af290', ids: [] },
  { label: 'image digest', value: `sha256:${body(HEX, 64)}`, ids: [] },
  { label: 'image reference with digest', value: `postgres:16-alpine@sha256:${body(HEX, 64)}`, ids: [] },
  { label: 'semver', value: '1.2.3-rc.1+build.5', ids: [] },
  { label: 'hostname', value: 'db.internal.example.com', ids: [] },
  { label: 'URL with a port', value: 'postgres://db:5432/app', ids: [] },
  { label: 'localhost URL', value: 'http://localhost:3000', ids: [] },
  { label: 'URL with a user and no password', value: 'https://user@host.example.com/path', ids: [] },
  { label: 'ssh URL', value: 'ssh://git@github.com:22/org/repo.git', ids: [] },
  { label: 'scp-style git remote', value: 'git@github.com:org/repo.git', ids: [] },
  { label: 'email address', value: 'ops@example.com', ids: [] },
  { label: 'URL with @ in the query', value: 'https://host.example.com:8443/path?user=a@b.example', ids: [] },
  { label: 'URL with @ in a path-less query', value: 'https://host.example.com?next=a@b', ids: [] },
  { label: 'cron schedule', value: '*/5 * * * *', ids: [] },
  { label: 'JSON without secret fields', value: '{"level":"info","format":"json"}', ids: [] },
  { label: 'JSON with an empty password', value: '{"password":""}', ids: [] },
  { label: 'key=value about a secret', value: 'password_min_length=12 token_ttl=3600', ids: [] },
  { label: 'password file option', value: '--password-file=/run/secrets/db', ids: [] },
  { label: 'password key holding a path', value: 'private_key=/etc/ssl/private/app.key', ids: [] },
  { label: 'prose about Basic authentication', value: 'Use Basic authentication for the admin UI', ids: [] },
  { label: 'prose about Bearer tokens', value: 'Bearer authentication is required', ids: [] },
  { label: 'log level assignment', value: 'LOG_LEVEL=info DEBUG=false', ids: [] },
  { label: "AWS's documented example secret key", value: 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', ids: [] },
  { label: 'GitHub token placeholder of x', value: `ghp_${'x'.repeat(36)}`, ids: [] },
  { label: 'OpenAI-looking placeholder', value: 'sk-proj-your-openai-key-goes-in-this-place-please-1234', ids: [] },
  { label: 'variable reference', value: '${DATABASE_URL}', ids: [] },
  { label: 'assignment of a variable reference', value: 'password=$DB_PASSWORD', ids: [] },
  { label: 'Traefik rule', value: 'Host(`shop.example.com`) && PathPrefix(`/api`)', ids: [] },
  { label: 'image name', value: 'ghcr.io/org/app:1.2.3', ids: [] },
  { label: 'key-vault URL is not a Mailgun key', value: 'https://key-vault.example.com/', ids: [] },
  { label: 'AWS key ID inside a longer word', value: 'XAKIAZ3MSJV7WLXQ4TB6NX', ids: [] },
  { label: 'random base64 without a known shape', value: body(ALNUM + '+/', 40), ids: [] },
  { label: 'equality comparison', value: 'token==expected', ids: [] },
  { label: 'Authorization header without credentials', value: 'Authorization: Bearer', ids: [] },
];

describe('detectCredentials', () => {
  it.each([...LEAK_CASE_VALUES, ...OWN_POSITIVES, ...OWN_NEGATIVES])('$label', (row) => {
    const matches = detectCredentials(row.value);
    expect(matches.map((match) => match.id)).toEqual(row.ids);
    if (row.ids.length > 0) expect(matches.map((match) => match.severity)).toEqual(row.ids.map(() => row.severity ?? 'error'));
    if (row.credential !== undefined) {
      const start = row.value.indexOf(row.credential);
      expect(matches.map((match) => [match.start, match.end])).toEqual([[start, start + row.credential.length]]);
    }
  });

  it('keeps matches inside the value, sorted and apart', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (value) => {
        let previousEnd = 0;
        for (const match of detectCredentials(value)) {
          expect(match.start).toBeGreaterThanOrEqual(previousEnd);
          expect(match.end).toBeGreaterThan(match.start);
          expect(match.end).toBeLessThanOrEqual(value.length);
          previousEnd = match.end;
        }
      }),
    );
  });

  it('finds a known format wherever it sits in a longer value', () => {
    const token = `ghp_${body(ALNUM, 36)}`;
    fc.assert(
      fc.property(fc.constantFrom('', ' ', '=', ':', '"', "'", 'token '), fc.constantFrom('', ' ', '"', "'", ';', ','), (before, after) => {
        expect(detectCredentials(`${before}${token}${after}`).map((match) => match.id)).toEqual(['github-token']);
      }),
    );
  });

  it('gives every format a unique id and a description', () => {
    const ids = CREDENTIAL_FORMATS.map((format) => format.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const format of CREDENTIAL_FORMATS) {
      expect(format.description).not.toBe('');
      expect(format.keywords.length).toBeGreaterThan(0);
      expect(format.pattern.global).toBe(true);
    }
  });

  // bench/guards.ts times these; here they must come through, with nothing taken for a credential.
  it('comes through adversarial input', () => {
    for (const value of ADVERSARIAL_VALUES) expect(() => detectCredentials(value)).not.toThrow();
    expect(detectCredentials('a'.repeat(100_000))).toEqual([]);
  });

  it('takes none of a 5,000-service project worth of ordinary values for a credential', () => {
    expect(ordinaryValues().flatMap((value) => detectCredentials(value))).toEqual([]);
  });
});

describe('isPlaceholder', () => {
  it.each([
    'example', 'changeme', 'CHANGEME', 'change_me', 'change-this', 'changeit', 'your-key-here', 'YOUR_API_KEY', 'sk-your-key',
    'xxx', 'XXXXXXXXXXXX', '***', '...', '<token>', '<your token here>', '[REDACTED]', '{{ .Values.db.password }}',
    'AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'mysecretpassword', 'todo', 'TBD', 'replace-me',
    'put-the-token-here', 'dummy', 'placeholder', 'sk-xxxx',
  ])('placeholder #%#', (value) => {
    expect(isPlaceholder(value)).toBe(true);
  });

  it.each(['hunter2isverysecret', 'Xk9#mP2vQ7rT', 'Sup3rS3cret!', 'password', 'secret', 'postgres', 'test', 'admin', 'nowhere', 'Tr0ub4dor3', '', 'myservice'])(
    'not a placeholder #%#',
    (value) => {
      expect(isPlaceholder(value)).toBe(false);
    },
  );

  it.each(['https://admin:pw@host', 'https://admin:pw@host.example.com', 'postgres://app:pw@db.example.org/shop', 'https://admin:pw@your-host', 'Authorization: Bearer Xk9mP2vQ7rTz4Lw8Nc1 # example'])(
    'a value holding a credential is no placeholder, whatever else it holds: %j',
    (value) => {
      expect(isPlaceholder(value)).toBe(false);
      expect(judgeSetting({ place: 'environment', name: 'DB_PASSWORD', value })).toMatchObject({ severity: 'error', kind: 'secret-named-literal' });
    },
  );

  it('reads a mount option list as separate key=value pairs: the password after a comma is found', () => {
    const value = 'username=me,password=Xk9mP2vQ7rTz,uid=1000';
    expect(detectCredentials(value).map((match) => value.slice(match.start, match.end))).toEqual(['Xk9mP2vQ7rTz']);
  });

  it('still calls a credential-shaped value a placeholder when its secret part is one', () => {
    expect(isPlaceholder('https://admin:changeme@host.example.com')).toBe(true);
    expect(isPlaceholder('sk-your-key-here')).toBe(true);
  });
});

describe('isHarmlessValue', () => {
  it.each([
    '', '   ', '/run/secrets/db_password', '/var/run/secrets/kubernetes.io/serviceaccount/token', 'true', 'FALSE', 'Yes', 'no', 'on', 'OFF',
    '0', '3600', '999999', '1.5', '15m', '24h', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf',
    'arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab', 'alias/app',
    'vault:secret/data/app#password', 'secret/data/app/db', 'op://Prod/Postgres/password', 'projects/shop/secrets/db-password/versions/latest',
    '@Microsoft.KeyVault(SecretUri=https://shop.vault.azure.net/secrets/db/)', 'https://shop.vault.azure.net/secrets/db-password',
    // Laravel's .env says "none" with null (MAIL_PASSWORD=null); an empty JSON object or list holds nothing.
    'null', 'NULL', '{}', '[ ]',
  ])('harmless #%# ', (value) => {
    expect(isHarmlessValue(value)).toBe(true);
  });

  it.each(['1234567', 'hunter2', '/etc/passwd', 'arn:partial', 'truee', 'Sup3rS3cret!', 'example', 'nullable1', '{"key":"x"}'])('not harmless #%#', (value) => {
    expect(isHarmlessValue(value)).toBe(false);
  });
});

describe('looksLikeFilePath', () => {
  it.each([
    ['/run/secrets/pg', true, 'case 6'],
    ['Sup3rS3cret!', false, 'case 7'],
    ['./secrets/db.txt', true, 'relative with ./'],
    ['../secrets/db.txt', true, 'parent directory'],
    ['~/.pgpass', true, 'home directory'],
    ['C:\\secrets\\db.txt', true, 'Windows drive'],
    ['/path with space/db.txt', true, 'space inside'],
    ['', false, 'empty'],
    ['secrets/pg', false, 'bare relative path is ambiguous with a secret'],
    ['/x9A+bc==', false, 'base64 starting with a slash'],
    ['https://vault.example.com/secret', false, 'URL'],
  ])('%#: %s (%s)', (value, expected) => {
    expect(looksLikeFilePath(value)).toBe(expected);
  });
});
