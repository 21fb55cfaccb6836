import type { Finding, Report, RuleDescription, Severity } from '../../report/index.js';
import { describeValue, detectCredentials, judgeSetting, type Place, type SettingVerdict, verdictProblem } from '../../judge/index.js';
import { sha256Hex } from '../hash.js';
import type { KnownSecrets } from './known.js';

/** What an audit looked at: a container, a service spec or an image, and what it carries. */
export interface AuditSubject {
  /** container:<name>, service:<name> or image:<ref>, the `file` of its findings. */
  file: string;
  service: string | null;
  /** KEY=VALUE entries, as the engine reports them. */
  env: string[];
  /** The created-by lines of an image's history. */
  history?: string[];
}

export const RULE_ENVIRONMENT = 'secret-in-environment';
export const RULE_IMAGE_HISTORY = 'build-secret-in-image';

/** Every rule an audit finding can carry, as the report's formatters describe them. */
export const AUDIT_RULES: readonly RuleDescription[] = [
  { id: RULE_ENVIRONMENT, description: "a secret in a running container's or a Swarm service's environment, which docker inspect shows", severity: 'error' },
  { id: RULE_IMAGE_HISTORY, description: 'a secret in the history of an image a container runs: a build argument or a build step', severity: 'error' },
];

/** The shared judgement, with the secrets the audit knows: a value equal to one is reported whatever its name. */
function judgeEntry(place: Place, key: string, value: string, known: KnownSecrets): SettingVerdict | undefined {
  return judgeSetting({ place, name: key, value }, { knownSecret: (candidate) => known.hashes.get(sha256Hex(candidate)) });
}

function finding(subject: AuditSubject, rule: string, key: string | null, severity: Severity, problem: string, advice: string): Finding {
  return { rule, severity, file: subject.file, line: 1, column: 1, service: subject.service, key, path: null, message: `${problem}; ${advice}` };
}

/** What to do instead: the audit speaks of a running container, whose secret's name it does not know. */
function environmentAdvice(verdict: SettingVerdict): string {
  // A *_FILE variable already names the file: it only needs the path instead of the secret.
  const variable = verdict.kind === 'secret-in-file-variable' ? verdict.name : `${verdict.name}_FILE`;
  return `whoever can docker inspect reads it; mount it as a secret and pass ${variable}=/run/secrets/<name>`;
}

const HISTORY_ADVICE = 'every image layer keeps it for whoever pulls the image: pass it with RUN --mount=type=secret (a BuildKit build secret) and rebuild';

export function environmentFindings(subject: AuditSubject, known: KnownSecrets): Finding[] {
  return subject.env.flatMap((entry) => {
    const equals = entry.indexOf('=');
    if (equals <= 0) return [];
    const key = entry.slice(0, equals);
    const verdict = judgeEntry('environment', key, entry.slice(equals + 1), known);
    return verdict ? [finding(subject, RULE_ENVIRONMENT, key, verdict.severity, verdictProblem(verdict), environmentAdvice(verdict))] : [];
  });
}

/** Build arguments a RUN saw: the history prefixes its command with `|<count> NAME=value …`. */
export function historyBuildArgs(createdBy: string): { args: [string, string][]; rest: string } {
  const match = /^(?:RUN )?\|(\d+) (.*)$/s.exec(createdBy);
  if (!match) return { args: [], rest: createdBy };
  const words = match[2]!.split(' ');
  const count = Number(match[1]);
  const args = words.slice(0, count).map((word): [string, string] => {
    const equals = word.indexOf('=');
    return equals < 0 ? [word, ''] : [word.slice(0, equals), word.slice(equals + 1)];
  });
  return { args, rest: words.slice(count).join(' ') };
}

export function historyFindings(subject: AuditSubject, known: KnownSecrets): Finding[] {
  const findings: Finding[] = [];
  for (const line of subject.history ?? []) {
    const { args, rest } = historyBuildArgs(line);
    for (const [key, value] of args) {
      const verdict = judgeEntry('build-arg', key, value, known);
      if (verdict) findings.push(finding(subject, RULE_IMAGE_HISTORY, key, verdict.severity, verdictProblem(verdict), HISTORY_ADVICE));
    }
    // The rest of the step is a command line the audit only searches: for a known value anywhere in it, or a credential format.
    const secret = known.values.find(({ value }) => rest.includes(value));
    const match = detectCredentials(rest)[0];
    if (secret) {
      const problem = `a build step of the image history contains the value of the secret ${secret.name} (${describeValue(secret.value)})`;
      findings.push(finding(subject, RULE_IMAGE_HISTORY, null, 'error', problem, HISTORY_ADVICE));
    } else if (match) {
      const problem = `a build step of the image history contains ${article(match.description)} (${describeValue(rest.slice(match.start, match.end))})`;
      findings.push(finding(subject, RULE_IMAGE_HISTORY, null, match.severity, problem, HISTORY_ADVICE));
    }
  }
  return findings;
}

function article(description: string): string {
  return /^[aeiouAEIOU]/.test(description) ? `an ${description}` : `a ${description}`;
}

export function auditReport(subjects: AuditSubject[], known: KnownSecrets): Report {
  const findings = subjects.flatMap((subject) => [...environmentFindings(subject, known), ...historyFindings(subject, known)]);
  return {
    version: 1,
    findings,
    summary: {
      errors: findings.filter((f) => f.severity === 'error').length,
      warnings: findings.filter((f) => f.severity === 'warning').length,
      suppressed: 0,
      files: subjects.length,
    },
  };
}
