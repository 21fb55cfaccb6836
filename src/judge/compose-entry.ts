/** Adapters from a compose entry, as the loader read it, to what the judgement takes. */
import type { ComposeOrigin, InterpolationEnvironment } from '../compose/index.js';
import type { Place, Setting, Written } from './verdict.js';

/**
 * How a compose string-map entry was written, from its origin. A list item's template is the
 * whole `NAME=value`: only the value part is kept.
 */
export function writtenIn(origin: ComposeOrigin | undefined): Written | undefined {
  if (origin?.references === undefined) return undefined;
  const template = origin.template;
  const listItem = origin.key !== undefined && origin.key.line === origin.value.line && origin.key.column === origin.value.column;
  return {
    ...(template === undefined ? {} : { template: listItem ? template.slice(template.indexOf('=') + 1) : template }),
    references: origin.references,
    sources: origin.envSources ?? {},
  };
}

/** A compose string-map entry (environment, build args) as a setting to judge. */
export function composeSetting(projectEnv: InterpolationEnvironment, place: Place, name: string, value: string | null, origin: ComposeOrigin | undefined): Setting {
  const written = writtenIn(origin);
  const source = projectEnv.sourceOf(name);
  return {
    place,
    name,
    value,
    ...(written === undefined ? {} : { written }),
    ...(value === null ? { host: { value: projectEnv.lookup(name), ...(source === undefined ? {} : { source }) } } : {}),
  };
}
