import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeValue, redact } from '../../src/redact/describe.js';

const MASK = '*'.repeat(11);

describe('redact', () => {
  it.each([
    { label: 'DESIGN.md example, 18 chars', value: 'quitealongpassword', redacted: `qu${MASK}rd` },
    { label: 'exactly 12 chars reveals', value: 'abcdefghijkl', redacted: `ab${MASK}kl` },
    { label: '11 chars is all mask', value: 'abcdefghijk', redacted: MASK },
    { label: 'short password', value: 'hunter2', redacted: MASK },
    { label: 'one char', value: 'x', redacted: MASK },
    { label: 'empty', value: '', redacted: MASK },
    { label: 'PEM block stays on one line', value: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n', redacted: MASK },
    { label: 'leading whitespace is not revealed', value: ' padded-value-here', redacted: MASK },
    { label: 'non-ASCII ends are not revealed', value: 'ñandú-secret-valueé', redacted: MASK },
    { label: 'astral characters count once', value: '🔑'.repeat(12), redacted: MASK },
  ])('$label', ({ value, redacted }) => {
    expect(redact(value)).toBe(redacted);
  });

  it('does not tell the length through the mask', () => {
    const widths = new Set([12, 13, 40, 100, 10_000].map((length) => redact('a'.repeat(length - 2) + 'zz').length));
    expect(widths).toEqual(new Set([15]));
    expect(redact('a'.repeat(3))).toBe(redact('a'.repeat(11)));
  });

  it('reveals at most the first two and last two characters, on one line', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (value) => {
        const redacted = redact(value);
        expect(redacted).toMatch(/^(?:[\x21-\x7e]{2}\*{11}[\x21-\x7e]{2}|\*{11})$/);
        if (redacted !== MASK) {
          const characters = Array.from(value);
          expect(characters.length).toBeGreaterThanOrEqual(12);
          expect(redacted.slice(0, 2)).toBe(characters.slice(0, 2).join(''));
          expect(redacted.slice(-2)).toBe(characters.slice(-2).join(''));
        }
      }),
    );
  });
});

describe('describeValue', () => {
  it.each([
    { value: 'quitealongpassword', description: `qu${MASK}rd, 18 chars` },
    { value: 'hunter2', description: `${MASK}, 7 chars` },
    { value: 'x', description: `${MASK}, 1 char` },
    { value: '', description: 'empty' },
    { value: '🔑'.repeat(12), description: `${MASK}, 12 chars` },
  ])('#%# states the length separately', ({ value, description }) => {
    expect(describeValue(value)).toBe(description);
  });

  it('fits the DESIGN.md message shape', () => {
    expect(`DB_PASSWORD holds a secret (${describeValue('quitealongpassword')})`).toBe(`DB_PASSWORD holds a secret (qu${MASK}rd, 18 chars)`);
  });
});
