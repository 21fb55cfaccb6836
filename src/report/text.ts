import type { Finding, Report, Summary } from './finding.js';
import { maskSourceLine, printable } from './code-frame.js';

export interface TextFormatOptions {
  /** ANSI colours; the caller decides (NO_COLOR, TTY), the formatter never looks. */
  color: boolean;
  /** The text of a reported file for its code frames; undefined when it cannot be shown. None: no code frames (audit reports on containers, not files). */
  readSource?: (file: string) => string | undefined;
}

type Paint = (style: Style, text: string) => string;

const STYLES = {
  file: '1',
  dim: '2',
  error: '31',
  warning: '33',
  note: '36',
  errorStrong: '1;31',
  warningStrong: '1;33',
  noteStrong: '1;36',
  clean: '32',
} as const;

type Style = keyof typeof STYLES;

/** Findings grouped by file in report order, each with a masked code frame, then a summary line. */
export function formatText(report: Report, options: TextFormatOptions): string {
  const paint: Paint = options.color ? (style, text) => `\u001b[${STYLES[style]}m${text}\u001b[0m` : (_style, text) => text;
  const blocks = [...groupByFile(report.findings)].map(([file, findings]) =>
    fileBlock(file, findings, options.readSource?.(file), paint),
  );
  const notes = report.findings.filter((finding) => finding.severity === 'note').length;
  return `${[...blocks, summaryLine(report.summary, notes, paint)].join('\n\n')}\n`;
}

function groupByFile(findings: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const group = groups.get(finding.file);
    if (group === undefined) groups.set(finding.file, [finding]);
    else group.push(finding);
  }
  return groups;
}

function fileBlock(file: string, findings: readonly Finding[], source: string | undefined, paint: Paint): string {
  const sourceLines = source?.split(/\r?\n/);
  const positionWidth = Math.max(...findings.map((finding) => position(finding).length));
  const gutterWidth = Math.max(...findings.map((finding) => String(finding.line).length));
  const lines = [paint('file', printable(file))];
  for (const finding of findings) {
    const service = finding.service === null ? '' : `[${finding.service}] `;
    lines.push(
      [
        `  ${paint('dim', position(finding).padEnd(positionWidth))}`,
        paint(finding.severity, finding.severity.padEnd('warning'.length)),
        `${printable(service + finding.message)}  ${paint('dim', finding.rule)}`,
      ].join('  '),
    );
    const sourceLine = sourceLines?.[finding.line - 1];
    if (sourceLine !== undefined) lines.push(...codeFrame(sourceLine, finding, gutterWidth, paint));
  }
  return lines.join('\n');
}

function position(finding: Finding): string {
  return `${finding.line}:${finding.column}`;
}

function codeFrame(sourceLine: string, finding: Finding, gutterWidth: number, paint: Paint): string[] {
  const masked = maskSourceLine(sourceLine, finding.column, finding.key);
  // Tabs stay tabs under the caret so it lines up however the terminal renders them.
  const caretIndent = masked.text.slice(0, masked.caretIndex).replace(/[^\t]/g, ' ');
  const caretStyle = `${finding.severity}Strong` as const;
  return [
    `    ${paint('dim', `${String(finding.line).padStart(gutterWidth)} |`)} ${masked.text}`,
    `    ${paint('dim', `${' '.repeat(gutterWidth)} |`)} ${caretIndent}${paint(caretStyle, '^')}`,
  ];
}

/** Notes are not problems: they are counted apart, and never turn a clean summary into a failing one. */
function summaryLine({ errors, warnings, suppressed, files }: Summary, notes: number, paint: Paint): string {
  const suppressedNote = suppressed > 0 ? ` (${suppressed} suppressed)` : '';
  const notesPart = notes > 0 ? `, ${count(notes, 'note')}` : '';
  const scope = ` in ${count(files, 'file')}`;
  if (errors + warnings === 0) return paint('clean', `no problems${notesPart}${suppressedNote}${scope}`);
  const style = errors > 0 ? 'errorStrong' : 'warningStrong';
  return paint(style, `✖ ${count(errors, 'error')}, ${count(warnings, 'warning')}${notesPart}${suppressedNote}${scope}`);
}

function count(amount: number, noun: string): string {
  return `${amount} ${noun}${amount === 1 ? '' : 's'}`;
}
