import { describe, expect, it } from 'vitest';
import { formatSarif } from '../../src/report/sarif.js';
import { report, rules } from './fixture.js';
import { expectGolden } from './golden.js';

interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; informationUri?: string; rules: { id: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }[] } };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[];
    }[];
  }[];
}

describe('formatSarif', () => {
  it('matches the golden output', () => {
    expectGolden('report.sarif', formatSarif(report, { rules }));
  });

  it('has the SARIF 2.1.0 shape code scanning requires', () => {
    const log = JSON.parse(formatSarif(report, { rules, informationUri: 'https://example.com/planes' })) as SarifLog;
    expect(log.$schema).toMatch(/sarif-schema-2\.1\.0\.json$/);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const [run] = log.runs;
    expect(run?.tool.driver.name).toBe('planes');
    expect(run?.tool.driver.informationUri).toBe('https://example.com/planes');
    expect(run?.tool.driver.rules.map((rule) => rule.id)).toEqual(rules.map((rule) => rule.id));
    for (const rule of run?.tool.driver.rules ?? []) {
      expect(rule.shortDescription.text).not.toBe('');
      expect(['error', 'warning']).toContain(rule.defaultConfiguration.level);
    }
    expect(run?.results).toHaveLength(report.findings.length);
    for (const [index, result] of (run?.results ?? []).entries()) {
      const finding = report.findings[index];
      expect(run?.tool.driver.rules[result.ruleIndex]?.id).toBe(result.ruleId);
      expect(result.ruleId).toBe(finding?.rule);
      expect(result.level).toBe(finding?.severity);
      expect(result.message.text).toBe(finding?.message);
      const location = result.locations[0]?.physicalLocation;
      expect(location?.artifactLocation.uri).toBe(finding?.file);
      expect(location?.region).toEqual({ startLine: finding?.line, startColumn: finding?.column });
    }
  });

  it('writes relative, forward-slash, percent-encoded URIs', () => {
    const finding = { ...report.findings[0], file: 'my stack\\docker-compose.yml' } as (typeof report.findings)[number];
    const log = JSON.parse(formatSarif({ ...report, findings: [finding] }, { rules })) as SarifLog;
    expect(log.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('my%20stack/docker-compose.yml');
  });

  it('gives a note the SARIF level note', () => {
    const note = { ...report.findings[0], severity: 'note' } as (typeof report.findings)[number];
    const log = JSON.parse(formatSarif({ ...report, findings: [note] }, { rules })) as SarifLog;
    expect(log.runs[0]?.results[0]?.level).toBe('note');
  });

  it('refuses a finding whose rule has no description', () => {
    expect(() => formatSarif(report, { rules: rules.slice(1) })).toThrow(/secret-in-environment is missing/);
  });
});
