import { describe, expect, it } from 'vitest';
import { formatJson } from '../../src/report/json.js';
import { report } from './fixture.js';
import { expectGolden } from './golden.js';

describe('formatJson', () => {
  it('matches the golden output', () => {
    expectGolden('report.json', formatJson(report));
  });

  it('follows the contract: field order, version, summary, 2-space indent, trailing newline', () => {
    const output = formatJson(report);
    expect(output.endsWith('}\n')).toBe(true);
    expect(output.startsWith('{\n  "version": 1,\n  "findings": [\n    {\n      "rule": ')).toBe(true);
    const parsed = JSON.parse(output) as Record<string, unknown> & { findings: Record<string, unknown>[] };
    expect(Object.keys(parsed)).toEqual(['version', 'findings', 'summary']);
    for (const finding of parsed.findings) {
      expect(Object.keys(finding)).toEqual(['rule', 'severity', 'file', 'line', 'column', 'service', 'key', 'path', 'message']);
    }
    expect(parsed['summary']).toEqual({ errors: 7, warnings: 2, suppressed: 2, files: 4 });
  });

  it('writes only contract fields, whatever else a finding object carries', () => {
    const extra = { ...report.findings[0], value: 'hunter2x' } as (typeof report.findings)[number];
    const output = formatJson({ ...report, findings: [extra] });
    expect(output).not.toContain('hunter2x');
  });
});
