import type { Finding, Report, Severity } from '../../report/index.js';
import { classifyName, describeValue, detectCredentials, isHarmlessValue, isPlaceholder } from '../../judge/index.js';
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

interface Verdict {
  severity: Severity;
  /** Why the value is a secret, with the value only in redacted form. */
  why: string;
}

/** Whether one name=value pair carries a secret, and why. */
export function judgeSetting(key: string, value: string, known: KnownSecrets): Verdict | undefined {
  if (value === '') return undefined;
  const secret = known.hashes.get(sha256Hex(value));
  if (secret !== undefined) return { severity: 'error', why: `holds the value of the secret ${secret} (${describeValue(value)})` };
  if (isHarmlessValue(value)) return undefined;
  if (classifyName(key).secret) {
    return isPlaceholder(value)
      ? { severity: 'warning', why: `is a secret slot holding a placeholder (${describeValue(value)})` }
      : { severity: 'error', why: `holds a secret (${describeValue(value)})` };
  }
  const match = detectCredentials(value)[0];
  if (match) return { severity: match.severity, why: `holds ${article(match.description)} (${describeValue(value.slice(match.start, match.end))})` };
  return undefined;
}

function article(description: string): string {
  return /^[aeiouAEIOU]/.test(description) ? `an ${description}` : `a ${description}`;
}

function finding(subject: AuditSubject, rule: string, key: string | null, verdict: Verdict, advice: string): Finding {
  const subjectKey = key === null ? '' : `${key} `;
  return { rule, severity: verdict.severity, file: subject.file, line: 1, column: 1, service: subject.service, key, path: null, message: `${subjectKey}${verdict.why}; ${advice}` };
}

const ENV_ADVICE = (key: string) => `whoever can docker inspect reads it; mount it as a secret and pass ${key}_FILE=/run/secrets/<name>`;
const HISTORY_ADVICE = 'every image layer keeps it for whoever pulls the image: pass it with RUN --mount=type=secret (a BuildKit build secret) and rebuild';

export function environmentFindings(subject: AuditSubject, known: KnownSecrets): Finding[] {
  return subject.env.flatMap((entry) => {
    const equals = entry.indexOf('=');
    if (equals <= 0) return [];
    const key = entry.slice(0, equals);
    const verdict = judgeSetting(key, entry.slice(equals + 1), known);
    return verdict ? [finding(subject, RULE_ENVIRONMENT, key, verdict, ENV_ADVICE(key))] : [];
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
      const verdict = judgeSetting(key, value, known);
      if (verdict) findings.push(finding(subject, RULE_IMAGE_HISTORY, key, { ...verdict, why: `(build argument) ${verdict.why}` }, HISTORY_ADVICE));
    }
    const secret = known.values.find(({ value }) => rest.includes(value));
    const match = detectCredentials(rest)[0];
    if (secret) {
      findings.push(finding(subject, RULE_IMAGE_HISTORY, null, { severity: 'error', why: `a build step of the image history contains the value of the secret ${secret.name} (${describeValue(secret.value)})` }, HISTORY_ADVICE));
    } else if (match) {
      findings.push(finding(subject, RULE_IMAGE_HISTORY, null, { severity: match.severity, why: `a build step of the image history contains ${article(match.description)} (${describeValue(rest.slice(match.start, match.end))})` }, HISTORY_ADVICE));
    }
  }
  return findings;
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
