import type { Finding, Report, Severity } from './finding.js';

/** GitHub Actions workflow commands: each finding becomes an annotation on the file and line. */
export function formatGithub(report: Report): string {
  return report.findings.map((finding) => `${annotation(finding)}\n`).join('');
}

function annotation(finding: Finding): string {
  const title = finding.service === null ? finding.rule : `${finding.rule} (${finding.service})`;
  const properties = [
    `file=${escapeProperty(finding.file)}`,
    `line=${finding.line}`,
    `col=${finding.column}`,
    `title=${escapeProperty(title)}`,
  ];
  return `::${COMMANDS[finding.severity]} ${properties.join(',')}::${escapeData(finding.message)}`;
}

const COMMANDS: Record<Severity, string> = { error: 'error', warning: 'warning', note: 'notice' };

/** The runner decodes these; an unescaped newline would end the command early. */
function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}
