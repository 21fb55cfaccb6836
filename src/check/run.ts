import { resolve } from 'node:path';
import { applyRules, complete } from './apply-rules.js';
import { buildContext, type CheckTarget } from './context.js';
import type { Finding, Report } from '../report/index.js';
import type { ProjectManifest } from './rule.js';
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
  /** The project's planes manifest (see manifest.ts), when it has one. */
  manifest?: ProjectManifest;
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
  const { manifest } = options;
  const targets = checkTargets(options, manifest);
  const findings: Finding[] = [];
  // Every file checked, with the text its reader read: no file is read twice.
  const sources = new Map<string, string>();
  for (const target of targets) {
    const { context, problems } = buildContext(target, {
      cwd,
      environment: options.environment,
      ...(options.projectDirectory ? { projectDirectory: options.projectDirectory } : {}),
      ...(options.envFiles ? { envFiles: options.envFiles } : {}),
      ...(manifest ? { manifest } : {}),
    });
    findings.push(...problems.map((problem) => complete(LOAD_RULE, problem)), ...applyRules(RULES, context));
    for (const [file, text] of context.project.sources) sources.set(file, text);
    for (const { file, text } of context.dockerfiles) sources.set(file, text);
  }

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
        files: sources.size,
      },
    },
    sources,
  };
}

function checkTargets(options: CheckOptions, manifest: ProjectManifest | undefined): CheckTarget[] {
  if (options.files?.length) return [{ files: options.files, swarm: options.swarm ?? false }];
  if (manifest) return manifest.environments.map(({ file, swarm }) => ({ files: [file], swarm }));
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
  return compare(a.file, b.file) || a.line - b.line || a.column - b.column || compare(a.rule, b.rule) || compare(a.service ?? '', b.service ?? '');
}

// Code-unit order: the same on every machine, and without the cost of loading a collator.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
