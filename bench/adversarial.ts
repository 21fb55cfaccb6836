/**
 * Inputs built to make a careless regular expression or parser take quadratic time or worse.
 * The unit tests feed them through for what comes out; `npm run bench` times them against
 * the budgets in bench/guards.ts.
 */

/** Values for the credential detectors: long runs of what a pattern's prefix or separator expects. */
export const ADVERSARIAL_VALUES: readonly string[] = [
  'a'.repeat(100_000),
  `${'a'.repeat(50_000)}=`,
  `${'a=b '.repeat(20_000)}`,
  `https://${'a:'.repeat(30_000)}`,
  `https://${'@'.repeat(50_000)}`,
  `x://${'a'.repeat(50_000)}@`,
  `"${'a'.repeat(200)}": "`.repeat(500),
  `-----BEGIN PRIVATE KEY-----${'A'.repeat(100_000)}`,
  `eyJ${'a'.repeat(5_000)}.eyJ${'a'.repeat(5_000)}`.repeat(10),
  `${'1'.repeat(20)}:AA${'a'.repeat(32)}`.repeat(1_000),
  `Authorization: ${'Basic '.repeat(20_000)}`,
  `${'sk-'.repeat(30_000)}`,
  `${'$'.repeat(50_000)}`,
  `a:${'b'.repeat(50_000)}@tcp`,
  // Thousands of words just long enough for the generated-value detector to weigh each one.
  `${'Zq8pW2xL'.repeat(4)}= `.repeat(3_000),
];

/** As many ordinary values as a 5,000-service project holds, none of them a credential. */
export function ordinaryValues(count = 100_000, from = 0): string[] {
  // Each value differs from every other, so that none is a scan planes remembers from before.
  return Array.from({ length: count }, (_, position) => {
    const index = from + position;
    return [`service-${index}`, `postgres://db:5432/app${index}`, `INFO ${index}`, `${index}`, `ghcr.io/org/app:1.2.${index}`, `http://localhost:${index}`, `/run/secrets/db${index}`, `--log-level=debug-${index}`][index % 8] as string;
  });
}

/** A shell script of unbalanced quotes, open substitutions and flag clusters. */
export const ADVERSARIAL_SCRIPT = `${'"a\\" '.repeat(5_000)} ${'$('.repeat(5_000)} ${"'x' ".repeat(5_000)} --password ${'-p'.repeat(5_000)}`;

/** The billion laughs in YAML: nine levels of ten aliases each, 10^9 nodes once expanded. */
export function yamlAliasBomb(): string {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let level = 1; level < 9; level++) {
    const previous = String.fromCharCode(96 + level);
    const name = String.fromCharCode(97 + level);
    lines.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`);
  }
  return lines.join('\n');
}

/** 20,000 references with defaults followed by 200,000 characters of plain text. */
export function longInterpolation(): { text: string; expected: string; references: number } {
  const references = 20_000;
  const tail = 'y'.repeat(200_000);
  return { text: '${UNSET:-x}'.repeat(references) + tail, expected: 'x'.repeat(references) + tail, references };
}
