import { describe, expect, it } from 'vitest';
import { ADVERSARIAL_VALUES } from '../../bench/adversarial.js';
import { findGeneratedWords, looksGenerated, MIN_GENERATED_LENGTH } from '../../src/redact/entropy.js';
import { detectSettingCredentials } from '../../src/redact/values.js';
import { BASE62, drawer, HEX } from '../support/draw.js';

// Keys are drawn (test/support/draw.ts) from the alphabet
// of each generator people use (`openssl rand -hex`, `-base64`, Django, Laravel), so they look
// as random as real ones and none is a real credential.
const BASE64 = `${BASE62}+/`;
const BASE64URL = `${BASE62}-_`;
const BASE36 = 'abcdefghijklmnopqrstuvwxyz0123456789';
const DJANGO = 'abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)';

const draw = drawer(11_092_026);

interface Row {
  label: string;
  value: string;
  /** The generated part, when the value holds one. */
  generated?: string;
}

const HEX_64 = draw(HEX, 64);
const BASE62_40 = draw(BASE62, 40);
const BASE64_44 = `${draw(BASE64, 43)}=`;

const GENERATED: Row[] = [
  { label: 'openssl rand -hex 16', value: draw(HEX, 32) },
  { label: 'openssl rand -hex 20', value: draw(HEX, 40) },
  { label: 'openssl rand -hex 32', value: HEX_64 },
  { label: 'openssl rand -base64 32, padded', value: BASE64_44 },
  { label: 'openssl rand -base64 24', value: draw(BASE64, 32) },
  { label: 'a Fernet key (base64url)', value: `${draw(BASE64URL, 43)}=` },
  { label: '32 letters and digits', value: draw(BASE62, 32) },
  { label: '40 letters and digits', value: BASE62_40 },
  { label: 'lower-case letters and digits', value: draw(BASE36, 40) },
  { label: "Django's get_random_secret_key()", value: draw(DJANGO, 50) },
  { label: "Laravel's base64: key", value: `base64:${BASE64_44}`, generated: BASE64_44 },
  { label: 'after an option name', value: `--token=${BASE62_40}`, generated: BASE62_40 },
  { label: 'a LiveKit key list: name, colon, secret', value: `APIplanes: ${BASE62_40}`, generated: BASE62_40 },
  { label: 'quoted, inside a longer value', value: `secret "${HEX_64}" here`, generated: HEX_64 },
];

/** What only looks random (issue 11's false-positive budget), and what is long but not random. */
const NOT_GENERATED: Row[] = [
  { label: 'an image digest', value: `sha256:${HEX_64}` },
  { label: 'an image pinned by digest', value: `ghcr.io/immich-app/postgres:14-vectorchord0.4.3@sha256:${HEX_64}` },
  { label: 'a subresource integrity hash', value: `sha384-${draw(BASE64, 64)}` },
  { label: 'an npm integrity hash', value: `sha512-${draw(BASE64, 86)}==` },
  { label: 'a UUID', value: 'f47ac10b-58cc-4372-a567-0e02b2c3d479' },
  { label: 'a version string', value: '14-vectorchord0.4.3-pgvectors0.2.0' },
  { label: 'an image tag with a commit', value: 'supabase/studio:2026.02.16-sha-26c615c' },
  { label: 'a URL without userinfo', value: `https://hooks.example.com/api/v1/${draw(BASE62, 12)}/deliver?format=json` },
  { label: 'a file path', value: '/usr/share/nginx/html/assets/images/logo2x' },
  { label: 'a file path with a hashed name', value: `/var/cache/app/${HEX_64}` },
  { label: 'a cron line', value: '55 23 * * * gosu symbolicator symbolicator cleanup' },
  { label: 'a host name', value: 'ip-10-0-12-34.eu-west-1.compute.internal' },
  { label: 'a sentence', value: 'The quick brown fox jumps over the lazy dog again and again' },
  { label: 'a long word', value: 'supercalifragilisticexpialidocious' },
  { label: 'a snake_case identifier with a digit', value: 'com_example_my_application_backend_service_v2' },
  { label: 'a CamelCase identifier with digits', value: 'MyApplicationBackendService2024Edition' },
  { label: 'an ASP.NET configuration key', value: 'AppSettings__ConnectionStrings__DefaultConnection2' },
  { label: 'a target triple', value: 'x86_64-unknown-linux-gnu-gcc-12-cross-compiler-v3' },
  { label: 'a consumer command line', value: 'rust-consumer --storage generic_metrics_distributions_raw --consumer-group snuba-gen-metrics-distributions-consumers' },
  { label: 'a TLS cipher suite', value: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384' },
  { label: 'an action pinned to a commit', value: `astral-sh/setup-uv@${draw(HEX, 40)}` },
  { label: 'JVM options', value: '-XX:+UseContainerSupport -XX:MaxRAMPercentage=75.0 -Dspring.profiles.active=prod' },
  { label: 'a counted run, not a drawn one', value: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEF' },
  { label: 'hex counted', value: '0123456789abcdef0123456789abcdef' },
  { label: 'zeros', value: '0'.repeat(64) },
  { label: 'letters only, however mixed', value: draw('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 48) },
  { label: 'a data: URI', value: `data:image/png;base64,${draw(BASE64, 120)}==` },
  { label: 'an SSH public key', value: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${draw(BASE64, 43)} deploy@ci` },
  { label: 'a PEM certificate', value: `-----BEGIN CERTIFICATE-----\n${draw(BASE64, 64)}\n-----END CERTIFICATE-----` },
  { label: 'short random', value: draw(BASE62, MIN_GENERATED_LENGTH - 1) },
];

describe('findGeneratedWords', () => {
  it.each(GENERATED)('finds $label', (row) => {
    const generated = row.generated ?? row.value;
    const start = row.value.indexOf(generated);
    expect(findGeneratedWords(row.value)).toEqual([{ start, end: start + generated.length }]);
  });

  it.each(NOT_GENERATED)('leaves $label', (row) => {
    expect(findGeneratedWords(row.value)).toEqual([]);
  });

  // The thresholds (entropy, word share) must keep recall on real generators: measured over
  // 1,000 draws of each, the README states the figures.
  it.each([
    ['hex, 32', HEX, 32, 0.98],
    ['base64, 32', BASE64, 32, 0.95],
    ['base64, 44', BASE64, 44, 0.98],
    ['letters and digits, 32', BASE62, 32, 0.95],
    ['letters and digits, 40', BASE62, 40, 0.97],
    ['lower-case letters and digits, 32', BASE36, 32, 0.85],
  ] as const)('finds nearly every drawn key: %s', (_, alphabet, length, share) => {
    const drawKey = drawer(length * 7_919);
    const found = Array.from({ length: 1_000 }, () => drawKey(alphabet, length)).filter((key) => looksGenerated(key)).length;
    expect(found / 1_000).toBeGreaterThanOrEqual(share);
  });

  it('comes through adversarial input in one pass', () => {
    for (const value of ADVERSARIAL_VALUES) expect(() => findGeneratedWords(value)).not.toThrow();
    expect(findGeneratedWords(`${'aB3'.repeat(40_000)}`)).toEqual([]);
  });
});

interface SettingRow {
  name: string;
  value: string;
  /** Detector id and severity of each match, in order. */
  found: string[];
}

describe('detectSettingCredentials', () => {
  const PASSWORD = `pw${draw(BASE62, 10)}`;
  it.each<SettingRow>([
    // Connection strings the name announces: userinfo without a scheme is a password slot.
    { name: 'SPRING_DATASOURCE', value: `app:${PASSWORD}@db:5432/app`, found: ['credential-connection-string error'] },
    { name: 'DB_PG_URI', value: `app:${PASSWORD}@db:5432/app`, found: ['credential-connection-string error'] },
    { name: 'ORACLE_DSN', value: `app/${PASSWORD}@db:1521/ORCL`, found: ['credential-connection-string error'] },
    { name: 'DB_DSN', value: `jdbc:oracle:thin:app/${PASSWORD}@db:1521/ORCL`, found: ['credential-connection-string error'] },
    { name: 'ConnectionStrings__Default', value: `Driver={ODBC Driver 18};Server=db;UID=sa;PWD=${PASSWORD};`, found: ['credential-connection-string error'] },
    { name: 'REDIS_URL', value: `:${PASSWORD}@redis:6379`, found: ['credential-connection-string error'] },
    { name: 'DB_DSN', value: 'app:changeme@db/app', found: ['credential-connection-string warning'] },
    { name: 'DATABASE_URL', value: `postgres://app:${PASSWORD}@db/app`, found: ['credential-url error'] },
    // …and without a password, or under another name, it is fine.
    { name: 'DB_PG_URI', value: 'app@db:5432/app', found: [] },
    { name: 'SENTRY_DSN', value: 'https://0123abcd@o0.ingest.example.io/42', found: [] },
    { name: 'DB_DSN', value: 'app:${DB_PASSWORD}@db/app', found: [] },
    { name: 'UPSTREAM', value: `app:${PASSWORD}@db:5432/app`, found: [] },
    { name: 'GIT_REMOTE_DSN', value: 'git@git.example.com:org/repo.git', found: [] },
    // A generated-looking value: a warning under a name that does not say what it is.
    { name: 'LIVEKIT_KEYS', value: `APIplanes: ${BASE62_40}`, found: ['generated-secret warning'] },
    { name: 'SESSION_BLOB', value: HEX_64, found: ['generated-secret warning'] },
    { name: 'com.example.deploy', value: BASE64_44, found: ['generated-secret warning'] },
    { name: 'GIT_SHA', value: draw(HEX, 40), found: [] },
    { name: 'org.opencontainers.image.revision', value: draw(HEX, 40), found: [] },
    { name: 'VAPID_PUBLIC_KEY', value: draw(BASE64URL, 87), found: [] },
    { name: 'NODE_CHECKSUM', value: HEX_64, found: [] },
    // A known format stays an error, whatever the name.
    { name: 'GIT_SHA', value: `ghp_${draw(BASE62, 36)}`, found: ['github-token error'] },
  ])('$name: $found', (row) => {
    expect(detectSettingCredentials(row.name, row.value).map((match) => `${match.id} ${match.severity}`)).toEqual(row.found);
  });
});
