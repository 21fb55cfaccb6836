import type { Finding, Report, Severity } from './finding.js';

export interface RuleDescription {
  id: string;
  /** One sentence: what the rule catches. */
  description: string;
  severity: Severity;
}

export interface SarifFormatOptions {
  /** Every rule a finding may carry; code scanning lists them even when they found nothing. */
  rules: readonly RuleDescription[];
  informationUri?: string;
}

const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json';

/** SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. */
export function formatSarif(report: Report, options: SarifFormatOptions): string {
  const ruleIndex = new Map(options.rules.map((rule, index) => [rule.id, index]));
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'planes',
            ...(options.informationUri === undefined ? {} : { informationUri: options.informationUri }),
            rules: options.rules.map(({ id, description, severity }) => ({
              id,
              shortDescription: { text: description },
              defaultConfiguration: { level: severity },
            })),
          },
        },
        // Columns count UTF-16 code units, as JavaScript string offsets do.
        columnKind: 'utf16CodeUnits',
        results: report.findings.map((finding) => result(finding, ruleIndex)),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function result(finding: Finding, ruleIndex: ReadonlyMap<string, number>): object {
  const index = ruleIndex.get(finding.rule);
  if (index === undefined) throw new Error(`SARIF output: rule ${finding.rule} is missing from the rule descriptions`);
  return {
    ruleId: finding.rule,
    ruleIndex: index,
    level: finding.severity,
    message: { text: finding.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: relativeUri(finding.file) },
          region: { startLine: finding.line, startColumn: finding.column },
        },
      },
    ],
    properties: { service: finding.service, key: finding.key, path: finding.path },
  };
}

function relativeUri(file: string): string {
  return file.replaceAll('\\', '/').split('/').map(encodeURIComponent).join('/');
}
