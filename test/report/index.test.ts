import { describe, expect, it } from 'vitest';
import { formatNames, formatters } from '../../src/report/index.js';
import { rawSecrets, readSource, report, rules, sources } from './fixture.js';

describe('format table', () => {
  it('offers text (the default), json, sarif and github', () => {
    expect(formatNames).toEqual(['text', 'json', 'sarif', 'github']);
    expect(Object.keys(formatters).sort()).toEqual([...formatNames].sort());
  });

  it('the fixture sources really hold the secrets', () => {
    const allSource = [...sources.values()].join('\n');
    for (const secret of rawSecrets) expect(allSource).toContain(secret);
  });

  describe.each(formatNames)('%s output never contains a raw secret', (name) => {
    it.each([true, false])('color: %s', (color) => {
      const output = formatters[name](report, { color, readSource, rules });
      for (const secret of rawSecrets) expect(output).not.toContain(secret);
    });
  });
});
