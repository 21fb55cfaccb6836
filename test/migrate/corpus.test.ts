/**
 * The round trip of `planes migrate` over every compose file of the awesome-compose corpus
 * (../shared/corpus beside the repository). For each example, migrated into a fresh
 * directory:
 *   A. the generated dev file is accepted by `docker compose config`;
 *   B. `planes check` on the new project finds no errors (but the input's own: the corpus
 *      ships no Dockerfiles for its builds; fixtures/awesome-compose lays the few that decide
 *      how a secret reaches the program over a copy of their example);
 *   C. every secret value of the input, as the checker judges it, appears in the new project
 *      only inside secrets/*.txt (0600, in a 0700 directory), and a templated secret (a DSN
 *      split around its password) renders with planes setup to the very value it replaced;
 *   D. services, images, ports, volumes, networks, healthchecks, commands and every other key
 *      are what they were, apart from the settings that moved (`docker compose config` of both).
 * An example that cannot migrate cleanly is listed in EXPECTED_FAILURES with the reason, and
 * must say so in its report; A to C hold for it all the same.
 * Then, in a copy of each example with secrets planted where migration cannot move them (labels,
 * a healthcheck, a config's content), the planted canaries appear in no file but secrets/*.txt
 * and nowhere in the report, and the report is not clean.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkProject } from '../../src/check/manifest.js';
import { runCheck } from '../../src/check/run.js';
import { loadComposeProject } from '../../src/compose/index.js';
import { loadManifest } from '../../src/manifest/index.js';
import { formatReport, isClean, migrate, type MigrationReport } from '../../src/migrate/index.js';
import { setupDevSecrets } from '../../src/setup/index.js';
import { CORPUS, corpusPresent } from '../support/corpus.js';
import { dockerTools } from '../support/engine.js';
import { canaryCopy, composeConfig, differences, filesHolding, inputSecrets, nonSecretText, toolEnvironment, type InputSecret } from './round-trip.js';

const AWESOME_COMPOSE = join(CORPUS, 'awesome-compose');

/** Examples that cannot migrate cleanly, and why; each must report a blocker matching `blocker`. */
const EXPECTED_FAILURES: Record<string, { reason: string; blocker: RegExp }> = {
  'aspnet-mssql': {
    reason:
      'azure-sql-edge reads SA_PASSWORD from its environment only (no *_FILE convention), and no published Dockerfile gives its ENTRYPOINT/CMD (planes never pulls), so the secret cannot be given as a variable through the wrapper: the blocker gives the image_start lines to add',
    blocker: /SA_PASSWORD: mcr\.microsoft\.com\/azure-sql-edge has no \*_FILE convention planes knows, and planes does not know its ENTRYPOINT/,
  },
  'wasmedge-kafka-mysql': {
    reason: 'DATABASE_URL moves out as a templated secret (its password shared with MYSQL_ROOT_PASSWORD), but the WebAssembly image has no *_FILE convention and no shell for the wrapper that would set it as a variable: the program must read /run/secrets/database_url',
    blocker: /^DATABASE_URL: \S+ has no \*_FILE convention, and a wasi\/wasm \(WebAssembly\) image has no shell/m,
  },
  'wasmedge-mysql-nginx': {
    reason: 'DATABASE_URL moves out as a templated secret (its password shared with MYSQL_ROOT_PASSWORD), but the WebAssembly image has no *_FILE convention and no shell for the wrapper that would set it as a variable: the program must read /run/secrets/database_url',
    blocker: /^DATABASE_URL: \S+ has no \*_FILE convention, and a wasi\/wasm \(WebAssembly\) image has no shell/m,
  },
};

interface Example {
  name: string;
  dir: string;
  file: string;
}

function examples(): Example[] {
  return readdirSync(AWESOME_COMPOSE)
    .sort()
    .flatMap((name) => {
      const dir = join(AWESOME_COMPOSE, name);
      if (!statSync(dir).isDirectory()) return [];
      return readdirSync(dir)
        .filter((file) => /^(?:docker-)?compose\.ya?ml$/.test(file))
        .map((file) => ({ name, dir: withFixtures(name, dir), file }));
    });
}

/** Files of the example the corpus does not ship (its Dockerfiles), from fixtures/awesome-compose (SOURCES.md there), laid over a copy of it. */
const FIXTURES = fileURLToPath(new URL('./fixtures/awesome-compose', import.meta.url));

function withFixtures(name: string, dir: string): string {
  const overlay = join(FIXTURES, name);
  if (!existsSync(overlay)) return dir;
  const copy = join(temporaryDirectory('planes-corpus-example-'), name);
  cpSync(dir, copy, { recursive: true });
  cpSync(overlay, copy, { recursive: true });
  return copy;
}

/**
 * Each templated secret migrate wrote, rendered again by planes setup from its parts once its
 * file is gone: the same bytes as the input value it replaced.
 */
function expectTemplatesRenderTheInput(out: string, inputValues: readonly string[]): number {
  const loaded = loadManifest(join(out, 'compose', 'stack.yaml'));
  const templated = Object.entries(loaded.manifest.secrets).filter(([, secret]) => secret.template !== undefined).map(([name]) => name);
  const written = new Map(templated.map((name) => [name, readFileSync(join(out, 'secrets', `${name}.txt`), 'utf8')]));
  for (const name of templated) rmSync(join(out, 'secrets', `${name}.txt`));
  setupDevSecrets(loaded, out);
  for (const name of templated) {
    const rendered = readFileSync(join(out, 'secrets', `${name}.txt`), 'utf8');
    expect(rendered === written.get(name), `secrets/${name}.txt rendered by planes setup is what migrate wrote`).toBe(true);
    expect(inputValues.includes(rendered), `secrets/${name}.txt rendered by planes setup is a secret value of the input, byte for byte`).toBe(true);
  }
  return templated.length;
}

const present = corpusPresent('planes migrate corpus round trip', AWESOME_COMPOSE);
const docker = present && dockerTools('planes migrate corpus round trip', ['compose']);
const environment = toolEnvironment();
const summary: string[] = [];
const temporary: string[] = [];

function temporaryDirectory(prefix: string): string {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(directory);
  return directory;
}

describe.skipIf(!present || !docker)('planes migrate: round trip over the awesome-compose corpus', () => {
  // Only when the suite runs: an example with fixtures is copied, and afterAll removes the copy.
  const all = present && docker ? examples() : [];

  it('knows every example of its expected-failure table', () => {
    expect(all.length).toBeGreaterThan(0);
    for (const name of Object.keys(EXPECTED_FAILURES)) expect(all.map((example) => example.name)).toContain(name);
  });

  it.each(all)('$name', ({ name, dir, file }) => {
    const out = join(temporaryDirectory('planes-migrate-corpus-'), basename(dir));
    const report = migrate({ cwd: dir, files: [file], environment, out, dryRun: false, force: false });
    const blockers = report.reviews.filter((item) => item.level === 'blocker').map((item) => item.message);

    // A. Compose accepts the generated dev file.
    const input = composeConfig(dir, file, environment);
    expect(input.error, 'docker compose config of the input').toBeUndefined();
    const output = composeConfig(out, 'docker-compose.yml', environment);
    expect(output.error, 'docker compose config of the migrated dev file').toBeUndefined();

    // B. planes check: no errors but those the input has too (a build whose Dockerfile the corpus lacks).
    const inputErrors = runCheck({ cwd: dir, files: [file], environment }).report.findings.filter((f) => f.severity === 'error');
    const outputErrors = checkProject({ cwd: out, environment }).report.findings.filter((f) => f.severity === 'error');
    const inherited = (finding: (typeof outputErrors)[number]): boolean =>
      finding.rule === 'load' && /has no Dockerfile/.test(finding.message) && inputErrors.some((other) => other.rule === 'load' && other.service === finding.service && /has no Dockerfile/.test(other.message));
    expect(outputErrors.filter((finding) => !inherited(finding)).map((f) => `${f.rule} ${f.file}:${f.line} ${f.message}`)).toEqual([]);

    // C. Secret values only in secrets/*.txt, 0600 in 0700.
    const secrets = inputSecrets(dir, file, environment);
    const values = [...new Set([...secrets.settings.map((secret) => secret.value), ...secrets.files])];
    const text = nonSecretText(input.config!, secrets.settings, dir);
    const weak = secrets.settings.filter((secret) => text.includes(secret.value) && secret.byName);
    for (const value of values) {
      if (weak.some((secret) => secret.value === value)) continue;
      expect(filesHolding(out, value), 'files holding a secret value outside secrets/*.txt').toEqual([]);
    }
    if (weak.length > 0) expectCanariesOnlyInSecretFiles(dir, file, weak);
    const secretsDir = join(out, 'secrets');
    expect(statSync(secretsDir).mode & 0o777).toBe(0o700);
    for (const entry of readdirSync(secretsDir).filter((entry) => entry.endsWith('.txt'))) expect(statSync(join(secretsDir, entry)).mode & 0o777, entry).toBe(0o600);

    // C'. A templated secret renders back to the very value it replaced.
    const templated = expectTemplatesRenderTheInput(out, values);

    // D. Everything but the moved settings as it was.
    const diff = differences(input.config!, output.config!, secrets.settings, values);
    const expected = EXPECTED_FAILURES[name];
    if (expected === undefined) {
      expect(blockers, `${name} should migrate cleanly`).toEqual([]);
      expect(diff.differences).toEqual([]);
    } else {
      expect(blockers.join('\n'), `${name} is expected to fail: ${expected.reason}`).toMatch(expected.blocker);
    }
    summary.push(summaryLine(name, report, blockers, diff, weak, templated, expected?.reason));
  });

  it.each(all)('$name: keeps secrets it cannot move, planted as canaries, out of every file and the report', ({ dir, file }) => {
    const copy = join(temporaryDirectory('planes-planted-'), 'example');
    cpSync(dir, copy, { recursive: true });
    const planted = plantCanaries(copy, file);
    const out = join(dirname(copy), 'migrated');
    const report = migrate({ cwd: copy, files: [file, PLANTED_FILE], environment, out, dryRun: false, force: false });
    const printed = `${formatReport(report)}\n${JSON.stringify(report)}`;
    for (const canary of planted.canaries) {
      expect(filesHolding(out, canary), `files holding the planted ${canary} outside secrets/*.txt`).toEqual([]);
      expect(printed.includes(canary), `the report shows the planted ${canary}`).toBe(false);
    }
    const blockers = report.reviews.filter((item) => item.level === 'blocker').map((item) => item.message);
    expect(isClean(report)).toBe(false);
    expect(blockers).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^labels\.planes\.canary\.credential holds a secret/),
        expect.stringMatching(/^labels\.planes\.canary\.variable holds a secret \(filled from \$\{PLANES_CANARY_TOKEN\}/),
        expect.stringMatching(/^healthcheck still holds a password on its command line/),
        expect.stringMatching(/^the content of config planes_canary holds a secret/),
      ]),
    );
  });

  afterAll(() => {
    for (const directory of temporary) rmSync(directory, { recursive: true, force: true });
    if (summary.length === 0) return;
    const clean = summary.filter((line) => line.includes(': clean')).length;
    console.log(`\nplanes migrate corpus round trip: ${clean}/${summary.length} examples migrate cleanly\n${summary.join('\n')}\n`);
  });
});

const PLANTED_FILE = 'planes-canary.override.yaml';

/**
 * Secrets migration cannot move, planted in a copy of the example by an override file: a
 * credential and a secret-named variable in a label of every service, a password on the first
 * service's healthcheck where no shell reads a file, a credential in a config it mounts.
 */
function plantCanaries(copy: string, file: string): { canaries: string[] } {
  const canary = (tag: string): string => `Cnry${tag}${Math.random().toString(36).slice(2, 10)}Q7`;
  const [inLabel, inVariable, inHealthcheck, inConfig] = [canary('L'), canary('V'), canary('H'), canary('C')];
  const services = Object.keys(loadComposeProject({ cwd: copy, files: [file], environment }).model.services);
  const lines = ['services:'];
  services.forEach((service, index) => {
    lines.push(`  ${JSON.stringify(service)}:`, '    labels:', `      planes.canary.credential: "postgres://app:${inLabel}@db/app"`, '      planes.canary.variable: "${PLANES_CANARY_TOKEN}"');
    if (index === 0) lines.push('    healthcheck:', `      test: ["CMD", "redis-cli", "-a", "${inHealthcheck}", "ping"]`, '    configs: [planes_canary]');
  });
  lines.push('configs:', '  planes_canary:', `    content: "url=https://admin:${inConfig}@db.internal/x"`);
  writeFileSync(join(copy, PLANTED_FILE), `${lines.join('\n')}\n`);
  const dotenv = join(copy, '.env');
  writeFileSync(dotenv, `${existsSync(dotenv) ? `${readFileSync(dotenv, 'utf8').replace(/\n?$/, '\n')}` : ''}PLANES_CANARY_TOKEN=${inVariable}\n`);
  return { canaries: [inLabel, inVariable, inHealthcheck, inConfig] };
}

/** Weak values (equal to a user name, an image name…) are proved moved by a run where they are canaries. */
function expectCanariesOnlyInSecretFiles(dir: string, file: string, weak: readonly InputSecret[]): void {
  const copy = canaryCopy(temporaryDirectory('planes-canary-'), dir, weak);
  const out = join(dirname(copy.dir), 'migrated');
  migrate({ cwd: copy.dir, files: [file], environment, out, dryRun: false, force: false });
  const secretFiles = readdirSync(join(out, 'secrets')).filter((entry) => entry.endsWith('.txt')).map((entry) => readFileSync(join(out, 'secrets', entry), 'utf8'));
  for (const canary of copy.canaries) {
    expect(filesHolding(out, canary), 'files holding a canary secret outside secrets/*.txt').toEqual([]);
    expect(secretFiles.some((content) => content.includes(canary)), 'a canary secret reached a secrets/*.txt file').toBe(true);
  }
}

function summaryLine(
  name: string,
  report: MigrationReport,
  blockers: string[],
  diff: { differences: string[]; sharedConfig: number },
  weak: readonly InputSecret[],
  templated: number,
  reason: string | undefined,
): string {
  const planes = (plane: string): number => report.settings.filter((row) => row.plane === plane).length;
  const counts = `${planes('secret')} secret, ${planes('secret path')} path, ${planes('config')} config, ${planes('build arg')} build arg`;
  const extras = [
    `${report.reviews.length - blockers.length} to review`,
    ...(weak.length > 0 ? [`${weak.length} weak value(s) proved by canaries`] : []),
    ...(templated > 0 ? [`${templated} templated secret(s) rendered back byte for byte`] : []),
    ...(diff.sharedConfig > 0 ? [`${diff.sharedConfig} shared config variable(s)`] : []),
  ].join(', ');
  if (reason === undefined) return `  ${name}: clean — ${counts}; ${extras}`;
  return `  ${name}: expected failure (${blockers.length} blocker(s), ${diff.differences.length} difference(s); ${extras}) — ${reason}`;
}
