import { Document, isPair, isScalar, visit } from 'yaml';
import { resolvePlain } from '../yaml/index.js';

/**
 * Serialises a compose file deterministically. YAML 1.1 rules are used for quoting so that
 * strings such as `yes`, `on` or `0400` stay strings for both readers: Compose v2
 * (YAML 1.2) and `docker stack` (YAML 1.1). File modes are written in octal, as people read
 * them, and short lists of plain words on one line, as people write them.
 */
export function composeYaml(value: object, header: string): string {
  const doc = new Document(value, { version: '1.1' });
  visit(doc, {
    Seq(_, seq) {
      const items = seq.items.map((item) => (isScalar(item) ? String(item.value) : null));
      if (items.every((item) => item !== null && /^[\w./:@-]+$/.test(item)) && items.join(', ').length <= 60) seq.flow = true;
    },
    Scalar(_, scalar) {
      // Port mappings like 22:22 are base-60 numbers to some YAML 1.1 readers; 0o17 and 1_000 are numbers to Compose's.
      if (typeof scalar.value === 'string' && ((/^[\d:.]+$/.test(scalar.value) && scalar.value.includes(':')) || resolvePlain(scalar.value).value !== scalar.value)) scalar.type = 'QUOTE_DOUBLE';
    },
    Pair(_, pair) {
      if (isPair(pair) && isScalar(pair.key) && pair.key.value === 'mode' && isScalar(pair.value) && typeof pair.value.value === 'number') {
        pair.value.format = 'OCT';
      }
    },
  });
  return header + doc.toString({ lineWidth: 0, indentSeq: true });
}
