/**
 * A guard against loading becoming slower than linear: a 5,000-service file (100,000 lines)
 * loads in seconds, with every entry located. The speed targets themselves are measured by
 * the benchmark on a quiet machine; this bound is loose enough for a busy CI machine.
 */
import { describe, expect, it } from 'vitest';
import { loadComposeProject, originOf } from '../../src/compose/load.js';
import { largeComposeFile } from './large-project.js';
import { tempProject } from './temp-project.js';

describe('loadComposeProject at scale', () => {
  it('loads 5,000 services in well under 10 seconds', () => {
    const root = tempProject({ 'compose.yaml': largeComposeFile(5000) });
    const started = performance.now();
    const project = loadComposeProject({ cwd: root, environment: { API_PASSWORD: 'x' } });
    expect(performance.now() - started).toBeLessThan(10_000);
    const last = project.model.services['svc4999'];
    expect(last?.environment?.['DATABASE_URL']).toBe('postgres://app:secret4999@db4999:5432/app');
    expect(originOf(last?.environment ?? {}, 'DATABASE_URL')?.key).toEqual({ file: 'compose.yaml', line: 99995, column: 7 });
    expect(originOf(last?.environment ?? {}, 'TZ')?.key).toEqual({ file: 'compose.yaml', line: 8, column: 3 });
  });
});
