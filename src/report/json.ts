import type { Report } from './finding.js';

/** The stable JSON contract of DESIGN.md §4; fields are listed one by one to pin their order. */
export function formatJson(report: Report): string {
  const { errors, warnings, suppressed, files } = report.summary;
  const document = {
    version: 1,
    findings: report.findings.map(({ rule, severity, file, line, column, service, key, path, message }) => ({
      rule,
      severity,
      file,
      line,
      column,
      service,
      key,
      path,
      message,
    })),
    summary: { errors, warnings, suppressed, files },
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
