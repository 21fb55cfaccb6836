import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPOSE_FILE, writeComposeProject, type ComposeProject } from './compose-gen.js';
import { runCostGuards, type GuardResult } from './guards.js';

/**
 * `npm run bench`: wall time and peak memory of `planes check` against dclint and
 * `docker compose config -q` on generated projects, judged against the targets of the
 * performance issue. Exit 0 when every target passes, 1 when one fails or cannot be judged,
 * 2 when the bench itself cannot run. Run from the repository root, after the build.
 */

const SEED = 1;
const DCLINT_VERSION = '3.1.0';
const MEMORY_RUNS = 3;
const MIB = 1024 * 1024;

interface Input {
  label: string;
  services: number;
  runs: number;
}

const INPUTS: Input[] = [
  { label: '1 service', services: 1, runs: 15 },
  { label: '500 services', services: 500, runs: 7 },
  { label: '5,000 services', services: 5000, runs: 3 },
];

/** The bench cannot measure: a tool is missing, or a reference tool rejects the generated input. */
class SetupError extends Error {}

/** `planes check` itself misbehaved on an input: its targets fail, the other columns still count. */
class PlanesFailure extends Error {}

type ToolId = 'node' | 'planes' | 'dclint' | 'compose';

interface Tool {
  id: ToolId;
  command: string;
  args: string[];
  /** Throws when the run is not a valid measurement; returns what is worth saying about its output. */
  verify(result: Outcome, project: ComposeProject): string | null;
}

type Cell = { median: number; min: number; max: number } | { absent: string };

const COLUMNS: Array<{ id: ToolId; title: string }> = [
  { id: 'node', title: "node -e ''" },
  { id: 'planes', title: 'planes check' },
  { id: 'dclint', title: `dclint ${DCLINT_VERSION}` },
  { id: 'compose', title: 'docker compose config -q' },
];

const root = process.cwd();
const cli = join(root, 'dist', 'planes.cjs');
const dclintBin = join(root, 'node_modules', '.bin', 'dclint');
const peakRssHook = fileURLToPath(new URL('./peak-rss.js', import.meta.url));

/**
 * Children get a fixed environment: interpolation must see the generated `.env` only, not
 * whatever TAG or LOG_LEVEL the caller's shell exports; COMPOSE_* variables would change what
 * Compose loads, and NODE_OPTIONS what every Node tool runs.
 */
const childEnv: NodeJS.ProcessEnv = { NO_COLOR: '1' };
for (const name of ['PATH', 'HOME', 'TMPDIR', 'DOCKER_CONFIG']) {
  const value = process.env[name];
  if (value !== undefined) childEnv[name] = value;
}

interface Outcome {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * stdout goes to a file, not a pipe: a CLI that calls process.exit() right after a large
 * write loses the tail of it on a pipe (dclint does), and every tool gets the same sink.
 */
function spawnTimed(command: string, args: string[], cwd: string, stdoutPath: string, env = childEnv): { ms: number; result: Outcome } {
  const fd = openSync(stdoutPath, 'w');
  const start = process.hrtime.bigint();
  const child = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * MIB, stdio: ['ignore', fd, 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  closeSync(fd);
  if (child.error) throw new SetupError(`cannot run ${command}: ${child.error.message}`);
  return { ms, result: { status: child.status, signal: child.signal, stdout: readFileSync(stdoutPath, 'utf8'), stderr: child.stderr } };
}

/** stdout of a quick command, empty when it cannot run. */
function capture(command: string, args: string[]): { status: number | null; stdout: string } {
  const child = spawnSync(command, args, { cwd: root, env: childEnv, encoding: 'utf8' });
  return { status: child.error ? null : child.status, stdout: child.stdout ?? '' };
}

function excerpt(text: string): string {
  const lines = text.trim().split('\n').slice(0, 6);
  return lines.map((line) => `    ${line}`).join('\n');
}

function exitText(result: Outcome): string {
  return result.signal ? `killed by ${result.signal}` : `exit ${result.status}`;
}

interface PlanesReport {
  version: number;
  findings: Array<{ severity: string; file: string; line: number }>;
  summary: { errors: number; warnings: number };
}

const nodeTool: Tool = {
  id: 'node',
  command: process.execPath,
  args: ['-e', ''],
  verify(result) {
    if (result.status !== 0) throw new SetupError(`node -e '' failed (${exitText(result)})`);
    return null;
  },
};

// Through its shebang, as users run it: the Node options there are part of how planes runs.
const planesTool: Tool = {
  id: 'planes',
  command: cli,
  args: ['check', '-f', COMPOSE_FILE, '--format', 'json'],
  verify(result, project) {
    let report: PlanesReport;
    try {
      report = JSON.parse(result.stdout) as PlanesReport;
    } catch {
      throw new PlanesFailure(`${exitText(result)}, stdout is not JSON\n${excerpt(result.stderr || result.stdout)}`);
    }
    if ((result.status !== 0 && result.status !== 1) || report.version !== 1 || !Array.isArray(report.findings)) {
      throw new PlanesFailure(`${exitText(result)}, not a version 1 report\n${excerpt(result.stderr)}`);
    }
    const reported = project.leaks.filter((leak) =>
      report.findings.some((f) => f.severity === 'error' && f.file === leak.file && f.line === leak.line),
    );
    return `${report.summary.errors} errors, ${report.summary.warnings} warnings; ${reported.length} of ${project.leaks.length} planted leaks reported at their line`;
  },
};

const dclintTool: Tool = {
  id: 'dclint',
  command: dclintBin,
  // One file, no --fix and no --recursive: lint only, nothing written.
  args: [COMPOSE_FILE, '--formatter', 'json'],
  verify(result) {
    let files: Array<{ messages: Array<{ rule: string; message: string }> }>;
    try {
      files = JSON.parse(result.stdout) as typeof files;
    } catch {
      throw new SetupError(`dclint: ${exitText(result)}, stdout is not JSON\n${excerpt(result.stderr)}`);
    }
    const messages = files.flatMap((file) => file.messages);
    // These mean dclint stopped before its rules ran, so its time would not be a lint.
    const fatal = messages.find((m) => ['invalid-yaml', 'invalid-schema', 'unknown-error'].includes(m.rule));
    if (fatal) throw new SetupError(`dclint did not lint the generated file: ${fatal.rule}: ${fatal.message}`);
    return `${messages.length} problems`;
  },
};

const composeTool: Tool = {
  id: 'compose',
  command: 'docker',
  args: ['compose', '-f', COMPOSE_FILE, 'config', '-q'],
  verify(result) {
    if (result.status !== 0) throw new SetupError(`docker compose rejects the generated file (${exitText(result)})\n${excerpt(result.stderr)}`);
    return null;
  },
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function ms(value: number): string {
  return `${Math.round(value).toLocaleString('en-US')} ms`;
}

interface Setup {
  planes: string | null;
  compose: string | null;
}

/** Returns why a column is absent (null when present); throws when the bench cannot run at all. */
function checkSetup(): Setup {
  if (!existsSync(cli)) throw new SetupError(`${cli} is missing: run from the repository root after the build (npm run bench does both)`);
  if (!existsSync(dclintBin)) throw new SetupError(`${dclintBin} is missing: npm ci installs dclint ${DCLINT_VERSION}`);
  const dclintVersion = capture(dclintBin, ['--version']).stdout.trim();
  if (dclintVersion !== DCLINT_VERSION) throw new SetupError(`dclint ${DCLINT_VERSION} expected, found ${dclintVersion || 'no version'}`);

  // Commander answers an unknown command's --help with the top-level help, so look for the command's own usage line.
  const help = capture(cli, ['check', '--help']).stdout;
  const planes = /^Usage: planes check\b/m.test(help) ? null : 'not available yet (`dist/planes.cjs check --help` shows no check command)';

  const compose = capture('docker', ['compose', 'version']).status === 0 ? null : 'not installed (`docker compose version` fails): column skipped, its target not judged';
  return { planes, compose };
}

interface Measured {
  cells: Map<ToolId, Cell>;
  notes: Map<ToolId, string>;
}

interface Context {
  setup: Setup;
  /** Where each child's stdout is written, outside the project directories. */
  stdoutPath: string;
  /** Why planes check could not be measured somewhere. */
  failures: string[];
}

function measure(input: Input, dir: string, project: ComposeProject, { setup, stdoutPath, failures }: Context): Measured {
  const cells = new Map<ToolId, Cell>();
  const notes = new Map<ToolId, string>();
  const tools: Tool[] = [nodeTool];
  // Past 500 services no target reads the reference tools, and they are slow there: dclint
  // grows faster than linearly (minutes a run), Compose takes half a minute, so it runs once.
  const large = input.services > 500;
  if (setup.planes) cells.set('planes', { absent: 'n/a' });
  else tools.push(planesTool);
  if (large) cells.set('dclint', { absent: 'skipped' });
  else tools.push(dclintTool);
  if (setup.compose) cells.set('compose', { absent: 'skipped' });
  else tools.push(composeTool);
  const once = (tool: Tool): boolean => large && tool.id === 'compose';

  const times = new Map<ToolId, number[]>(tools.map((tool) => [tool.id, []]));
  const attempt = (tool: Tool, warmUp: boolean): void => {
    if (cells.has(tool.id)) return;
    const { ms: elapsed, result } = spawnTimed(tool.command, tool.args, dir, stdoutPath);
    try {
      const note = tool.verify(result, project);
      if (warmUp && note) notes.set(tool.id, note);
    } catch (error) {
      if (!(error instanceof PlanesFailure)) throw error;
      cells.set(tool.id, { absent: 'failed' });
      failures.push(`planes check failed on ${input.label}: ${error.message}`);
      return;
    }
    if (!warmUp) times.get(tool.id)?.push(elapsed);
  };

  // Interleaved rounds, so a burst of load on the machine hits every column alike.
  for (const tool of tools) if (!once(tool)) attempt(tool, true);
  for (let round = 1; round <= input.runs; round += 1) {
    process.stderr.write(`bench: ${input.label}, round ${round} of ${input.runs}\n`);
    for (const tool of tools) if (round === 1 || !once(tool)) attempt(tool, false);
  }
  for (const [id, values] of times) {
    if (!cells.has(id)) cells.set(id, { median: median(values), min: Math.min(...values), max: Math.max(...values) });
  }
  return { cells, notes };
}

/** Peak RSS in bytes over a few runs (the highest: memory is a ceiling, not a typical value). */
function peakRss(dir: string, project: ComposeProject, stdoutPath: string): number {
  let peak = 0;
  for (let run = 0; run < MEMORY_RUNS; run += 1) {
    // Beside the project, not in it: the checker must not see files the bench adds.
    const file = join(dirname(dir), `rss-${run}`);
    // NODE_OPTIONS, since the shebang gives Node its options: --import is Node's, V8 never sees it.
    const { result } = spawnTimed(planesTool.command, planesTool.args, dir, stdoutPath, { ...childEnv, NODE_OPTIONS: `--import=${peakRssHook}`, PLANES_BENCH_RSS_FILE: file });
    planesTool.verify(result, project);
    if (!existsSync(file)) throw new SetupError(`the peak RSS hook wrote nothing (${exitText(result)})`);
    peak = Math.max(peak, Number(readFileSync(file, 'utf8')) * 1024);
  }
  return peak;
}

type Status = 'PASS' | 'FAIL' | 'SKIP' | 'n/a';

interface Target {
  label: string;
  status: Status;
  measured: string;
  limit: string;
}

function time(cell: Cell | undefined): number | null {
  return cell && 'median' in cell ? cell.median : null;
}

/** What a target is when one of its two times is missing. */
function missingStatus(cell: Cell | undefined): Status {
  if (cell && 'absent' in cell) {
    if (cell.absent === 'failed') return 'FAIL';
    if (cell.absent === 'skipped') return 'SKIP';
  }
  return 'n/a';
}

/** A ratio target: planes over a reference time. */
function ratioTarget(label: string, planes: Cell | undefined, reference: Cell | undefined, factor: number, referenceName: string): Target {
  const planesMs = time(planes);
  const referenceMs = time(reference);
  const limit = referenceMs === null ? `≤ ${factor} × ${referenceName}` : `≤ ${factor} × ${ms(referenceMs)} = ${ms(factor * referenceMs)}`;
  if (planesMs === null) return { label, status: missingStatus(planes), measured: '-', limit };
  if (referenceMs === null) return { label, status: missingStatus(reference), measured: '-', limit };
  return {
    label,
    status: planesMs <= factor * referenceMs ? 'PASS' : 'FAIL',
    measured: `${ms(planesMs)} (${(planesMs / referenceMs).toFixed(2)} ×)`,
    limit,
  };
}

function guardTarget({ label, budgetMs, ms: measured, error }: GuardResult): Target {
  const limit = `≤ ${ms(budgetMs)}`;
  if (measured === null) return { label: `cost guard: ${label}`, status: 'FAIL', measured: error ?? '-', limit };
  return { label: `cost guard: ${label}`, status: measured <= budgetMs ? 'PASS' : 'FAIL', measured: ms(measured), limit };
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows
    .map((row) => row.map((text, column) => (column === 0 ? text.padEnd(widths[column] ?? 0) : text.padStart(widths[column] ?? 0))).join('   '))
    .join('\n');
}

async function main(): Promise<number> {
  const setup = checkSetup();
  const cpu = cpus();
  const loadAtStart = loadavg()[0] ?? 0;
  const started = Date.now();
  const workDir = await mkdtemp(join(tmpdir(), 'planes-bench-'));
  const context: Context = { setup, stdoutPath: join(workDir, 'stdout'), failures: [] };
  const results: Array<{ input: Input; project: ComposeProject; measured: Measured }> = [];
  let peak: number | null = null;
  try {
    for (const input of INPUTS) {
      const dir = join(workDir, `services-${input.services}`);
      process.stderr.write(`bench: writing ${input.label} into ${dir}\n`);
      const project = await writeComposeProject(dir, { services: input.services, seed: SEED });
      const measured = measure(input, dir, project, context);
      results.push({ input, project, measured });
      if (input.services === 500 && time(measured.cells.get('planes')) !== null) {
        process.stderr.write(`bench: peak memory, ${MEMORY_RUNS} runs\n`);
        try {
          peak = peakRss(dir, project, context.stdoutPath);
        } catch (error) {
          if (!(error instanceof PlanesFailure)) throw error;
          context.failures.push(`planes check failed while measuring memory: ${error.message}`);
        }
      }
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }

  const out: string[] = [];
  out.push(`planes bench: node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}`);
  out.push(
    `load average ${loadAtStart.toFixed(1)} at start, ${(loadavg()[0] ?? 0).toFixed(1)} at end; ${Math.round((Date.now() - started) / 1000)} s in all; inputs seeded with ${SEED}`,
  );
  out.push('');
  out.push(
    table([
      ['input', 'lines', 'runs', ...COLUMNS.map((column) => column.title)],
      ...results.map(({ input, project, measured }) => [
        input.label,
        project.composeLines.toLocaleString('en-US'),
        String(input.runs),
        ...COLUMNS.map(({ id }) => {
          const cell = measured.cells.get(id);
          return !cell ? '-' : 'absent' in cell ? cell.absent : ms(cell.median);
        }),
      ]),
    ]),
  );
  out.push('');
  out.push('Medians of wall time from spawn to exit, after one warm-up run; min–max:');
  for (const { input, measured } of results) {
    const spreads = COLUMNS.flatMap(({ id, title }) => {
      const cell = measured.cells.get(id);
      return cell && 'median' in cell ? [`${title} ${Math.round(cell.min)}–${Math.round(cell.max)}`] : [];
    });
    out.push(`  ${input.label}: ${spreads.join(', ')}`);
  }
  if (setup.planes) out.push(`planes check: ${setup.planes}`);
  if (setup.compose) out.push(`docker compose: ${setup.compose}`);
  out.push('5,000 services: dclint skipped (minutes a run at that size), docker compose run once without warm-up; no target uses them');
  for (const { input, measured } of results) {
    for (const id of ['planes', 'dclint'] as const) {
      const note = measured.notes.get(id);
      if (note) out.push(`${id === 'planes' ? 'planes check' : 'dclint'} on ${input.label}: ${note}`);
    }
  }
  out.push(...context.failures);

  const byServices = (services: number): Measured['cells'] | undefined => results.find((r) => r.input.services === services)?.measured.cells;
  const one = byServices(1);
  const five = byServices(500);
  const fiveThousand = byServices(5000);
  const memoryLimit = 150 * MIB;
  const targets: Target[] = [
    ratioTarget('500 services: planes ≤ 0.12 × dclint', five?.get('planes'), five?.get('dclint'), 0.12, 'dclint'),
    ratioTarget('500 services: planes ≤ 0.35 × docker compose config -q', five?.get('planes'), five?.get('compose'), 0.35, 'compose'),
    ratioTarget('5,000 services: planes ≤ 12 × planes at 500', fiveThousand?.get('planes'), five?.get('planes'), 12, 'planes at 500'),
    {
      label: '500 services: peak RSS of planes ≤ 150 MiB',
      status: peak === null ? (setup.planes ? 'n/a' : 'FAIL') : peak <= memoryLimit ? 'PASS' : 'FAIL',
      measured: peak === null ? '-' : `${(peak / MIB).toFixed(1)} MiB`,
      limit: '≤ 150 MiB',
    },
    ratioTarget("1 service: planes ≤ 2.5 × node -e ''", one?.get('planes'), one?.get('node'), 2.5, "node -e ''"),
    ...runCostGuards().map(guardTarget),
  ];
  out.push('');
  out.push(table([['target', 'measured', 'limit', 'result'], ...targets.map((t) => [t.label, t.measured, t.limit, t.status])]));
  const failed = targets.filter((t) => t.status === 'FAIL' || t.status === 'n/a').length;
  out.push('');
  out.push(failed === 0 ? 'all targets pass' : `${failed} of ${targets.length} targets not met or not measurable`);
  process.stdout.write(`${out.join('\n')}\n`);
  return failed === 0 ? 0 : 1;
}

try {
  process.exitCode = await main();
} catch (error) {
  // Exit code 1 is reserved for targets not met: a bench that breaks must not look like one.
  const text = error instanceof SetupError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`bench: cannot measure: ${text}\n`);
  process.exitCode = 2;
}
