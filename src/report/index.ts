/**
 * The report of `planes check` and `planes audit`: the finding contract and the formatters
 * that print it. Formatters are pure: the caller decides colour and reads sources.
 */
import type { Report } from './finding.js';
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatSarif, type SarifFormatOptions } from './sarif.js';
import { formatText, type TextFormatOptions } from './text.js';

export type { Finding, Report, Severity } from './finding.js';
export type { RuleDescription } from './sarif.js';
export { maskSourceLine, printable } from './code-frame.js';

/** The `--format` choices; the first is the default. */
export const formatNames = ['text', 'json', 'sarif', 'github'] as const;

export type FormatName = (typeof formatNames)[number];

/** Everything any formatter needs; each one reads only its own part. */
type FormatContext = TextFormatOptions & SarifFormatOptions;

type Formatter = (report: Report, context: FormatContext) => string;

export const formatters: Readonly<Record<FormatName, Formatter>> = {
  text: formatText,
  json: formatJson,
  sarif: formatSarif,
  github: formatGithub,
};
