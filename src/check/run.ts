import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_MANIFEST, loadManifest, type LoadedManifest } from '../manifest/load.js';
import { applyRules, complete } from './apply-rules.js';
import { buildContext, type CheckTarget } from './context.js';
import type { Finding, Report } from './finding.js';
import { LOAD_RULE, RULES } from './rules/index.js';
import { applySuppressions, scanSuppressions, type SuppressionDirective } from './suppress.js';

export interface CheckOptions {
  cwd: string;
  /** The shell environment, for interpolation. */
  environment: Readonly<Record<string, string | undefined>>;
  /** `-f`; none: the manifest's environments when there is one, else Compose's discovery. */
  files?: string[];
  /** The `-f` files are a Swarm stack file. */
  swarm?: boolean;
  projectDirectory?: string;
  envFiles?: string[];
  /** A planes manifest; by default compose/stack.yaml when it exists. */
  manifest?: string;
}

export interface CheckResult {
  report: Report;
  /** The text of every file checked, by name as findings give it, for code frames. */
  sources: Map<string, string>;
}

/**
 * `planes check`: load each target as Compose would, run every rule, drop what a
 * `# planes-ignore` comment suppresses, and count. A planes project without `-f` is checked
 * environment by environment, each file as its own tool (compose or stack) reads it.
 */
export function runCheck(options: CheckOptions): CheckResult {
  const cwd = resolve(options.cwd);
  const manifest = findManifest(options, cwd);
  const targets = checkTargets(options, manifest?.loaded);
  const findings: Finding[] = [];
  const files = new Set<string>();
  for (const target of targets) {
    const { context, problems } = buildContext(target, {
      cwd,
      environment: options.environment,
      ...(options.projectDirectory ? { projectDirectory: options.projectDirectory } : {}),
      ...(options.envFiles ? { envFiles: options.envFiles } : {}),
      ...(manifest ? { manifest } : {}),
    });
    findings.push(...problems.map((problem) => complete(LOAD_RULE, problem)), ...applyRules(RULES, context));
    for (const file of context.project.files) files.add(file);
    for (const dockerfile of context.dockerfiles) files.add(dockerfile.file);
  }

  const sources = new Map<string, string>();
  for (const file of files) sources.set(file, readFileSync(join(cwd, file), 'utf8'));
  const directives = new Map<string, readonly SuppressionDirective[]>();
  const invalidIgnores: Finding[] = [];
  for (const [file, text] of sources) {
    const scanned = scanSuppressions(text, file);
    directives.set(file, scanned.directives);
    invalidIgnores.push(...scanned.invalid);
  }
  const { kept, suppressed } = applySuppressions(unique(findings), directives);
  const all = [...kept, ...invalidIgnores].sort(byPlace);
  return {
    report: {
      version: 1,
      findings: all,
      summary: {
        errors: all.filter((f) => f.severity === 'error').length,
        warnings: all.filter((f) => f.severity === 'warning').length,
        suppressed,
        files: files.size,
      },
    },
    sources,
  };
}

function findManifest(options: CheckOptions, cwd: string): { loaded: LoadedManifest; root: string } | undefined {
  const path = options.manifest ?? DEFAULT_MANIFEST;
  if (options.manifest === undefined && !existsSync(join(cwd, path))) return undefined;
  return { loaded: loadManifest(join(cwd, path), cwd), root: cwd };
}

function checkTargets(options: CheckOptions, manifest: LoadedManifest | undefined): CheckTarget[] {
  if (options.files?.length) return [{ files: options.files, swarm: options.swarm ?? false }];
  if (manifest) {
    return Object.values(manifest.manifest.environments).map(({ target, file }) => ({ files: [file], swarm: target === 'swarm' }));
  }
  return [{ swarm: options.swarm ?? false }];
}

/** Targets share files (env files, Dockerfiles): a finding there is reported once. */
function unique(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const id = [f.rule, f.file, f.line, f.column, f.service, f.key, f.message].join('\u0000');
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function byPlace(a: Finding, b: Finding): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule) || (a.service ?? '').localeCompare(b.service ?? '');
}
