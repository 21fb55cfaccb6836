/**
 * A finding of `planes check` or `planes audit`. The field names and meanings are the
 * stable JSON contract of DESIGN.md section 4: other tools parse them. Do not rename.
 */
/**
 * A note reports what is expected and needs nothing but the usual next step (a dev secret file
 * that `planes setup` creates): it counts as neither an error nor a warning, so the summary and
 * the exit code do not change (DESIGN.md §4).
 */
export type Severity = 'error' | 'warning' | 'note';

export interface Finding {
  rule: string;
  severity: Severity;
  /** Relative to the working directory, `/`-separated. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** null when the finding is not tied to one service. */
  service: string | null;
  /** Variable, argument or label name; null for command lines. */
  key: string | null;
  /** Dotted YAML path of the offending node in a compose file; null in env files and Dockerfiles. */
  path: string | null;
  /** Never holds a secret value: values appear only in redacted form. */
  message: string;
}

export interface Summary {
  errors: number;
  warnings: number;
  suppressed: number;
  files: number;
}

export interface Report {
  version: 1;
  findings: Finding[];
  summary: Summary;
}
