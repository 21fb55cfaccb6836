/**
 * The report of `planes migrate` grows with the project, not with its square: at 1,000 services
 * each with its own config, a review per service naming the config of all the others made it
 * 15 MB (and at 10,000 a string longer than V8 allows).
 */
import { describe, expect, it } from 'vitest';
import { formatReport, migrate } from '../../src/migrate/index.js';
import { projectWith } from '../support/project.js';

function project(services: number): string {
  let compose = 'services:\n';
  for (let index = 0; index < services; index++) {
    compose += `  svc${index}:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: app\n      LOG_LEVEL_${index}: info\n      POSTGRES_PASSWORD: pw-${index}-Zq8rT4mLw2x9kPd\n    ports: ["${10000 + index}:5432"]\n    healthcheck:\n      test: ["CMD-SHELL", "pg_isready -U app"]\n`;
  }
  return projectWith({ 'compose.yaml': compose });
}

function reportSizes(services: number): { text: number; json: number } {
  const report = migrate({ cwd: project(services), environment: {}, out: 'out', dryRun: true, force: false });
  return { text: formatReport(report).length, json: JSON.stringify(report).length };
}

describe('the migration report', () => {
  it('grows linearly with the number of services', () => {
    const small = reportSizes(150);
    const large = reportSizes(300);
    expect(large.text / small.text).toBeLessThan(2.2);
    expect(large.json / small.json).toBeLessThan(2.2);
  });
});
