/**
 * `extends`: a service laid over another one, from the same file or from the file named by
 * `extends.file` (read as a compose file of its own, its relative paths resolved against its
 * own directory), following chains of `extends` and refusing cycles, as Compose does.
 */
import { InputError, type SourcePosition } from '../errors.js';
import { extendService } from './merge.js';
import type { ComposeModel, ComposeService } from './model.js';
import { carry, copyNode, originOf, remove } from '../yaml/index.js';
import { showValue } from '../redact/index.js';
import { filledByOf, shownEntry } from './shown.js';

/** Where an `extends` was written, and the variables that filled its file. */
export interface ExtendsReference {
  position: SourcePosition;
  filledBy: string[];
}

export interface ExtendsSources {
  /** The services of a compose file named by `extends.file`, each in normal form. */
  servicesOf(file: string, reference: ExtendsReference): Record<string, ComposeService>;
}

/** The model with every service that `extends` another replaced by the merged service. */
export function applyExtends(model: ComposeModel, file: string, sources: ExtendsSources): ComposeModel {
  const resolver = new ExtendsResolver(sources);
  const services = copyNode(model.services);
  for (const name of Object.keys(model.services)) carry(model.services, name, services, name, resolver.resolve(model.services, file, name, []));
  const extended = copyNode(model);
  carry(model, 'services', extended, 'services', services);
  return extended;
}

class ExtendsResolver {
  private readonly resolved = new Map<string, ComposeService>();

  constructor(private readonly sources: ExtendsSources) {}

  resolve(services: Record<string, ComposeService>, file: string, name: string, chain: string[]): ComposeService {
    const service = services[name] as ComposeService;
    const reference = service.extends;
    if (reference === undefined) return service;
    const id = `${file}\u0000${name}`;
    const known = this.resolved.get(id);
    if (known !== undefined) return known;
    const position = positionOfExtends(service);
    if (chain.includes(id)) {
      const names = [...chain, id].map((link) => link.split('\u0000')[1]).join(' → ');
      throw new InputError(position, `extends goes round in a circle (${names}): break the cycle`);
    }
    const baseFile = reference.file ?? file;
    const fileFilledBy = filledByOf(originOf(reference, 'file'));
    const baseServices = reference.file === undefined ? services : this.sources.servicesOf(reference.file, { position, filledBy: fileFilledBy });
    if (typeof reference.service !== 'string' || !Object.hasOwn(baseServices, reference.service)) {
      // `extends: name` is written as the entry itself, `extends: { service: name }` as its own.
      const serviceOrigin = originOf(reference, 'service') ?? originOf(service, 'extends');
      const base = shownEntry(String(reference.service), serviceOrigin);
      throw new InputError(position, `service "${name}" extends a service "${base}" that ${baseFile === file ? 'this file' : showValue(baseFile, fileFilledBy)} does not define`);
    }
    const base = this.resolve(baseServices, baseFile, reference.service, [...chain, id]);
    const merged = extendService(base, service);
    remove(merged, 'extends');
    this.resolved.set(id, merged);
    return merged;
  }
}

function positionOfExtends(service: ComposeService): SourcePosition {
  const origin = originOf(service, 'extends');
  return origin?.key ?? origin?.value ?? { file: '', line: 1, column: 1 };
}
