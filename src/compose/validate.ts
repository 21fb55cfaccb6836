import { carry, copyNode, remove, type YamlMapping } from '../yaml/index.js';
import type { SchemaProblem } from './schema.js';

/**
 * The part of a document the later stages can trust. Compose refuses a file that breaks its
 * schema; the checker reports every problem instead (rule `schema`) and goes on with what is
 * well formed: a service with a problem is left out of the model, and so is the whole
 * document when a problem lies outside `services`.
 */
export function wellFormedPart(document: YamlMapping, problems: readonly SchemaProblem[]): YamlMapping {
  if (problems.length === 0) return document;
  const broken = new Set<string>();
  for (const { path } of problems) {
    const [section, service] = path;
    if (section !== 'services' || typeof service !== 'string') return {};
    broken.add(service);
  }
  const services = document['services'] as YamlMapping;
  const keptServices = copyNode(services);
  for (const name of broken) remove(keptServices, name);
  const kept = copyNode(document);
  carry(document, 'services', kept, 'services', keptServices);
  return kept;
}
