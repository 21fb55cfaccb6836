/**
 * Issue 11, classes 4 and 5, as a user meets them: `planes check` (the built executable) on one
 * project that holds every new secret name and value shape next to its look-alike. Each row
 * is a line of the compose file: the finding it must get — rule, severity, that line — or none.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { planes } from '../support/cli.js';
import { projectWith } from '../support/project.js';
import { BASE62, drawer, HEX } from '../support/draw.js';

const draw = drawer(5_122_026);

interface Row {
  /** The compose line, under `environment:` or `labels:` of service `app`. */
  line: string;
  place: 'environment' | 'labels';
  expected: { rule: string; severity: 'error' | 'warning' } | null;
  why: string;
  /** The part of the line no output may show. */
  secret?: string;
}

const error = (rule = 'secret-in-environment') => ({ rule, severity: 'error' as const });
const warning = (rule = 'secret-in-environment') => ({ rule, severity: 'warning' as const });
const env = (line: string, expected: Row['expected'], why: string, secret?: string): Row => ({ line, place: 'environment', expected, why, ...(secret === undefined ? {} : { secret }) });
const label = (line: string, expected: Row['expected'], why: string, secret?: string): Row => ({ line, place: 'labels', expected, why, ...(secret === undefined ? {} : { secret }) });

const RANDOM_40 = draw(BASE62, 40);
const HEX_64 = draw(HEX, 64);
const LABEL_KEY = `${draw(BASE62, 42)}==`;

const ROWS: Row[] = [
  // Class 4: key material and encryption keys.
  env('DB_ENC_KEY: pl4nesrealtimekey', error(), 'Supabase realtime encryption key', 'pl4nesrealtimekey'),
  env('CRYPTO_KEY: pl4nesmetacryptokey', error(), 'Supabase postgres-meta', 'pl4nesmetacryptokey'),
  env('VAULT_ENC_KEY: pl4nesvaultenckey', error(), 'Supabase supavisor', 'pl4nesvaultenckey'),
  env('CACHE_KEY: user-profile-v2', null, 'a cache key is no credential'),
  env('PARTITION_KEY: tenant_id', null, 'nor a partition key'),
  // …given as a file path: the key lives elsewhere.
  env('REDIS_TLS_KEY: /certs/redis.key', null, 'a path in a key-named variable'),
  env('TLS_KEY: pl4nestlskeyinline', error(), 'the key itself', 'pl4nestlskeyinline'),
  // Abbreviations.
  env('DBPASS: pl4nesdbpass', error(), 'db + pass, run together', 'pl4nesdbpass'),
  env('PASSWD: pl4nespasswd', error(), 'passwd', 'pl4nespasswd'),
  env('COMPASS_HEADING: northnorthwest', null, 'compass is no password'),
  // Object store access key IDs: the ID is a warning beside its secret key.
  env('AWS_ACCESS_KEY_ID: planesminioadmin', warning(), 'the ID half of the key pair', 'planesminioadmin'),
  env('AWS_SECRET_ACCESS_KEY: pl4nes-object-store-secret', error(), 'the secret half', 'pl4nes-object-store-secret'),
  env('MINIO_ACCESS_KEY: planesminio', error(), 'ambiguous by name: an error'),
  env('AWS_ACCESS_KEY_ID_FILE: /run/secrets/aws_key_id', null, 'the file of the ID'),
  env('KMS_KEY_ID: 1234abcd-12ab-34cd-56ef-1234567890ab', null, 'a key ID is not an access key ID'),
  // Connection strings whose name says so: userinfo without a scheme.
  env('SPRING_DATASOURCE: app:pl4nesDbPw@db:5432/app', error(), 'user:password@host under a DSN name', 'pl4nesDbPw'),
  env('DB_PG_URI: app@db:5432/app', null, 'a DSN without a password'),
  env('UPSTREAM_NODE: app:main@db:5432/app', null, 'the same shape under a name that is no DSN'),
  // Class 5: generated-looking values under names that say nothing.
  env(`LIVEKIT_KEYS: "APIplanes: ${RANDOM_40}"`, warning(), 'a random key after its name', RANDOM_40),
  env(`SESSION_BLOB: ${HEX_64}`, warning(), '64 random hex digits', HEX_64),
  env(`GIT_SHA: ${draw(HEX, 40)}`, null, 'a commit, as the name says'),
  env(`BASE_IMAGE: ghcr.io/org/app@sha256:${draw(HEX, 64)}`, null, 'an image digest'),
  env('REQUEST_TRACE: f47ac10b-58cc-4372-a567-0e02b2c3d479', null, 'a UUID'),
  env('IDENTIFIER: com_example_my_application_backend_service_v2', null, 'an identifier'),
  label(`com.example.deploy: ${LABEL_KEY}`, warning('secret-in-label'), 'a random key in a label', LABEL_KEY),
  label(`org.opencontainers.image.revision: ${draw(HEX, 40)}`, null, 'a commit in a label'),
];

function composeText(): string {
  const lines = (place: Row['place']): string => ROWS.filter((row) => row.place === place).map((row) => `      ${row.line}\n`).join('');
  return `services:\n  app:\n    image: nginx\n    labels:\n${lines('labels')}    environment:\n${lines('environment')}`;
}

interface Finding {
  rule: string;
  severity: string;
  line: number;
  key: string | null;
}

describe('planes check: new secret names and generated-looking values (issue 11)', () => {
  const text = composeText();
  const lineOf = (row: Row): number => text.split('\n').indexOf(`      ${row.line}`) + 1;
  let findings: Finding[] = [];
  let output = '';

  beforeAll(() => {
    const result = planes(['check', '--format', 'json'], projectWith({ 'compose.yaml': text }));
    output = result.stdout + result.stderr;
    expect(result.status, output).toBe(1);
    findings = (JSON.parse(result.stdout) as { findings: Finding[] }).findings;
  });

  // Titles name the key, never the value: test output is output too.
  const titled = ROWS.map((row): [string, Row] => [`${row.line.slice(0, row.line.indexOf(':'))}: ${row.expected?.severity ?? 'no finding'} (${row.why})`, row]);
  it.each(titled)('%s', (_, row) => {
    const here = findings.filter((finding) => finding.line === lineOf(row)).map(({ rule, severity }) => ({ rule, severity }));
    expect(here).toEqual(row.expected === null ? [] : [row.expected]);
  });

  it('shows none of the values it reports', () => {
    for (const row of ROWS) if (row.secret !== undefined) expect(output).not.toContain(row.secret);
  });

  it('reports nothing but the rows', () => {
    expect(findings.length).toBe(ROWS.filter((row) => row.expected !== null).length);
  });
});
