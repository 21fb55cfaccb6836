import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planesCommand } from '../support/cli.js';
import { newCanary, occurrences } from './canary/canary.js';
import { manifest } from './canary/inputs.js';
import { recordGeneratedFiles } from './canary/matrix.js';
import { runInSandbox, type Builder, type RunOptions, type RunSpec, type ViolationKind } from './canary/sandbox.js';

/**
 * The canary harness tested on itself: a fake `planes` that leaks the canary in each way the
 * harness must catch (and does each thing a run may do), and real runs of planes that leak
 * nothing. Each planted leak must be reported as its kind, and no report may hold the canary.
 */

const canary = newCanary();
const baseDir = mkdtempSync(join(tmpdir(), 'planes-canary-self-'));
afterAll(() => rmSync(baseDir, { recursive: true, force: true }));

/** The fake command: argv[2] says what it does; it finds the canary in FAKE_CANARY. */
const FAKE = join(baseDir, 'fake-planes.cjs');
writeFileSync(
  FAKE,
  `const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const c = process.env.FAKE_CANARY;
const out = (text) => process.stdout.write(text + '\\n');
const behaviours = {
  clean: () => out('planes: all good'),
  stdout: () => out('DB_PASSWORD=' + c + ' (oops)'),
  'stderr-fragment': () => process.stderr.write('invalid interpolation format: "\${' + c.slice(4, 16) + '"\\n'),
  base64: () => out('Data: ' + Buffer.from('x' + c).toString('base64')),
  hex: () => out(Buffer.from(c).toString('hex')),
  'lower-case': () => out('secrets/' + c.toLowerCase() + '.txt'),
  'file-in-project': () => fs.writeFileSync('planes-debug.log', 'value=' + c + '\\n'),
  'file-in-home': () => { fs.mkdirSync(path.join(process.env.HOME, '.cache'), { recursive: true }); fs.writeFileSync(path.join(process.env.HOME, '.cache', 'planes'), c); },
  'file-in-tmpdir': () => fs.writeFileSync(path.join(process.env.TMPDIR, 'planes-123.tmp'), c),
  'file-name': () => fs.writeFileSync('leak-' + c + '.txt', 'nothing'),
  'secret-file': () => fs.writeFileSync('secrets/new.txt', c, { mode: 0o600 }),
  'secret-file-readable': () => fs.writeFileSync('secrets/new.txt', c, { mode: 0o644 }),
  'overwrite-secret': () => fs.writeFileSync('secrets/db_password.txt', 'another value'),
  'through-link': () => fs.writeFileSync('secrets/new.txt', c, { mode: 0o600 }),
  'parent-directory': () => fs.writeFileSync('../x.yml', 'services: {}\\n'),
  'stack-trace': () => { process.stderr.write(new Error('boom').stack + '\\n'); process.exitCode = 2; },
  'exit-3': () => { process.exitCode = 3; },
  crash: () => process.kill(process.pid, 'SIGSEGV'),
  hang: () => setInterval(() => {}, 1000),
  'engine-url': () => engine('GET', '/secrets?filters=' + encodeURIComponent(JSON.stringify({ name: [c] }))),
  'engine-secret': () => engine('POST', '/secrets/create', { Name: 'shop_x', Labels: {}, Data: Buffer.from(c).toString('base64') }),
  'engine-label': () => engine('POST', '/secrets/create', { Name: 'shop_y', Labels: { hint: c }, Data: 'eA==' }),
  'exit-0': () => {},
};
function engine(method, url, body) {
  const socketPath = process.env.DOCKER_HOST.replace('unix://', '');
  const request = http.request({ socketPath, path: url, method, headers: { 'Content-Type': 'application/json' } }, (response) => response.resume());
  request.end(body ? JSON.stringify(body) : undefined);
}
behaviours[process.argv[2]]();
`,
);

function fakeRun(behaviour: string, build: (b: Builder) => void = (b) => b.secret('db_password'), more: Partial<RunSpec> = {}, timeoutMs = 10_000) {
  const spec: RunSpec = { commandId: behaviour, build, args: () => [behaviour], env: { FAKE_CANARY: canary }, ...more };
  return runInSandbox(spec, { canary, executable: [process.execPath, FAKE], timeoutMs, baseDir });
}

/** No report may hold the canary, whatever it reports. */
function expectRedacted(details: string[]): void {
  for (const detail of details) expect(occurrences(detail, canary), detail).toEqual([]);
}

describe('the canary harness catches each planted leak', () => {
  it.each<[string, ViolationKind[], RegExp?]>([
    ['stdout', ['leak'], /^stdout holds the whole canary \(36 chars\) at offset 12, line 1, column 13, 36 chars: DB_PASSWORD=«canary» \(oops\)/],
    ['stderr-fragment', ['leak'], /^stderr holds characters 5–16 of the canary .* 12 chars: invalid interpolation format: \\"\$\{«canary»\\"/],
    ['base64', ['leak'], /^stdout holds the canary in base64/],
    ['hex', ['leak'], /^stdout holds the canary in hex/],
    ['lower-case', ['leak'], /^stdout holds the whole canary \(36 chars\), in another case at offset 8/],
    ['file-in-project', ['leak'], /^the file planes-debug\.log \(created\) holds the whole canary/],
    ['file-in-home', ['leak'], /^the file \$HOME\/\.cache\/planes \(created\)/],
    ['file-in-tmpdir', ['leak'], /^the file \$TMPDIR\/planes-123\.tmp \(created\)/],
    ['file-name', ['leak'], /^the path leak-«canary»\.txt holds the whole canary/],
    ['secret-file-readable', ['secret-file-mode'], /^the secret file secrets\/new\.txt is 0644/],
    ['overwrite-secret', ['secret-file-changed'], /^the existing secret file secrets\/db_password\.txt was overwritten/],
    ['parent-directory', ['wrote-outside'], /^created \$RUN\/x\.yml, outside the project/],
    ['stack-trace', ['stack-trace'], /^stderr holds a stack trace: "Error: boom\\n {4}at /],
    ['exit-3', ['exit-code'], /^exit code 3, not 0, 1 or 2$/],
    ['crash', ['exit-code'], /^ended by signal SIGSEGV$/],
  ])('%s → %s', async (behaviour, kinds, detail) => {
    const outcome = await fakeRun(behaviour);
    expect(outcome.violations.map((v) => v.kind)).toEqual(kinds);
    if (detail) expect(outcome.violations[0]!.detail).toMatch(detail);
    expectRedacted(outcome.violations.map((v) => v.detail));
  });

  it('a secret written through a link to secrets/: written outside, and the canary out of secrets/', async () => {
    const outcome = await fakeRun('through-link', (b) => {
      b.directory(`${b.paths.outside}/secrets`);
      b.symlink('secrets', `${b.paths.outside}/secrets`);
    });
    expect(outcome.violations.map((v) => v.kind).sort()).toEqual(['leak', 'wrote-outside']);
    expect(outcome.violations.find((v) => v.kind === 'wrote-outside')!.detail).toMatch(/^created \$OUTSIDE\/secrets\/new\.txt, outside .* holding the canary\)$/);
    expectRedacted(outcome.violations.map((v) => v.detail));
  });

  it('a run that hangs is killed at its timeout and reported', async () => {
    const started = Date.now();
    const outcome = await fakeRun('hang', undefined, {}, 1_000);
    expect(outcome.violations).toEqual([{ kind: 'timeout', detail: 'did not end within 1 s; killed' }]);
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it('the canary in an engine request URL or label, and not in the Data of a new secret', async () => {
    for (const [behaviour, kinds] of [
      ['engine-url', ['engine-request']],
      ['engine-label', ['engine-request']],
      ['engine-secret', []],
    ] as const) {
      const outcome = await fakeRun(behaviour, undefined, { world: {} });
      expect(outcome.violations.map((v) => v.kind), behaviour).toEqual(kinds);
      expectRedacted(outcome.violations.map((v) => v.detail));
    }
  });

  it('an exit code other than the one the input expects', async () => {
    const outcome = await fakeRun('exit-0', undefined, { expect: { exitCode: 2 } });
    expect(outcome.violations).toEqual([{ kind: 'expectation', detail: 'exit code 0, expected 2' }]);
  });
});

describe('the canary harness passes a clean run', () => {
  it('a fake command that prints nothing secret, or writes the canary into a new secret file 0600', async () => {
    for (const behaviour of ['clean', 'secret-file']) expect((await fakeRun(behaviour)).violations, behaviour).toEqual([]);
  });

  it('planes schema, generate, setup and check on the base project', async () => {
    const options: RunOptions = { canary, executable: planesCommand(), timeoutMs: 30_000, baseDir };
    const generatedFiles = recordGeneratedFiles(options.executable, baseDir);
    const project = (b: Builder) => {
      b.file('compose/stack.yaml', manifest());
      for (const name of ['db_password', 'api_key', 'vault_token']) b.secret(name);
      b.generated();
    };
    for (const args of [['schema'], ['generate'], ['setup'], ['check', '--format', 'json']]) {
      const outcome = await runInSandbox({ commandId: args.join(' '), build: project, args: () => args }, { ...options, generatedFiles });
      expect(outcome.violations, args.join(' ')).toEqual([]);
      expect(outcome.exitCode, args.join(' ')).toBe(0);
    }
  });
});
