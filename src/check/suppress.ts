import type { Finding } from '../report/index.js';

/**
 * `# planes-ignore <rule>[, <rule>…] -- <reason>` comments in compose files, env files and
 * Dockerfiles. All three use `#` comments, so one line scanner serves them all.
 */

export interface SuppressionDirective {
  file: string;
  /** Where the `#` of the comment is. */
  line: number;
  column: number;
  /**
   * The line whose findings it silences. A comment after an entry covers that entry's line
   * only, so it cannot silently cover the next entry too; a comment on its own line covers
   * the next line that is not itself a comment, so several directives can be stacked.
   */
  targetLine: number;
  rules: string[];
  reason: string;
}

export interface SuppressionScan {
  directives: SuppressionDirective[];
  /** Malformed directives: they suppress nothing and are errors themselves. */
  invalid: Finding[];
}

export const INVALID_IGNORE_RULE = 'invalid-ignore';

const USAGE = 'write `# planes-ignore <rule> -- <reason>`, e.g. `# planes-ignore secret-in-environment -- test fixture`';
const DIRECTIVE = /^#\s*planes-ignore(?=\s|$)(.*)$/;
const RULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function scanSuppressions(text: string, file: string): SuppressionScan {
  const directives: SuppressionDirective[] = [];
  const invalid: Finding[] = [];
  // Most files have no directive at all: not splitting them into lines keeps large projects fast.
  if (!text.includes('planes-ignore')) return { directives, invalid };
  const lines = text.split(/\r?\n/);
  const awaitingTarget: SuppressionDirective[] = [];
  for (const [index, line] of lines.entries()) {
    const lineNumber = index + 1;
    const commentAt = commentStart(line);
    const ownLine = commentAt !== undefined && line.slice(0, commentAt).trim() === '';
    if (!ownLine) {
      for (const directive of awaitingTarget.splice(0)) directive.targetLine = lineNumber;
    }
    if (commentAt === undefined) continue;
    const match = DIRECTIVE.exec(line.slice(commentAt));
    if (match === null) continue;
    const position = { file, line: lineNumber, column: commentAt + 1 };
    const parsed = parseDirectiveBody(match[1] as string);
    if (typeof parsed === 'string') {
      invalid.push(invalidIgnore(position, parsed));
      continue;
    }
    const directive = { ...position, targetLine: lineNumber, ...parsed };
    directives.push(directive);
    if (ownLine) awaitingTarget.push(directive);
  }
  // A directive with no line after it covers nothing.
  for (const directive of awaitingTarget) directive.targetLine = lines.length + 1;
  return { directives, invalid };
}

export function applySuppressions(
  findings: readonly Finding[],
  directivesByFile: ReadonlyMap<string, readonly SuppressionDirective[]>,
): { kept: Finding[]; suppressed: number } {
  const kept = findings.filter(
    (finding) =>
      !(directivesByFile.get(finding.file) ?? []).some(
        (directive) => directive.targetLine === finding.line && directive.rules.includes(finding.rule),
      ),
  );
  return { kept, suppressed: findings.length - kept.length };
}

/** The directive's rules and reason, or what is wrong with it. */
function parseDirectiveBody(body: string): { rules: string[]; reason: string } | string {
  const separator = /(?:^|\s)--(?:\s|$)/.exec(body);
  const ruleText = (separator === null ? body : body.slice(0, separator.index)).trim();
  const reason = separator === null ? '' : body.slice(separator.index + separator[0].length).trim();
  if (ruleText === '') return 'names no rule, so it suppresses nothing';
  const rules = ruleText.split(',').map((rule) => rule.trim());
  // The text is not echoed back: a comment is free text and may hold anything.
  if (!rules.every((rule) => RULE_ID.test(rule))) {
    return 'has a malformed rule list (rule ids separated by commas), so it suppresses nothing';
  }
  if (reason === '') return 'gives no reason after `--`, so it suppresses nothing';
  return { rules, reason };
}

function invalidIgnore(position: { file: string; line: number; column: number }, problem: string): Finding {
  return {
    rule: INVALID_IGNORE_RULE,
    severity: 'error',
    ...position,
    service: null,
    key: null,
    path: null,
    message: `this planes-ignore ${problem}; ${USAGE}`,
  };
}

const QUOTE_OPENERS = /[\s:=[{,(]/;

/**
 * Index of the `#` that starts a comment, if any: at the start of the line or after
 * whitespace, and not inside a quoted string. A quote opens a string only where a value can
 * start, so the apostrophe in `echo it's # note` does not hide the comment.
 */
function commentStart(line: string): number | undefined {
  let quote: string | undefined;
  for (let index = 0; index < line.length; index++) {
    const char = line[index] as string;
    const previous = line[index - 1];
    if (quote !== undefined) {
      if (char === '\\' && quote === '"') index++;
      else if (char === quote) quote = undefined;
    } else if (char === '#' && (previous === undefined || /\s/.test(previous))) {
      return index;
    } else if ((char === '"' || char === "'") && (previous === undefined || QUOTE_OPENERS.test(previous))) {
      quote = char;
    }
  }
  return undefined;
}
