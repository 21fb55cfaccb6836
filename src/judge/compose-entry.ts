/** Adapters from a compose entry, as the loader read it, to what the judgement takes. */
import type { ComposeOrigin, InterpolationEnvironment } from '../compose/index.js';
import { ScanCache } from '../redact/index.js';
import { judgeSetting } from './judge-setting.js';
import type { JudgeOptions, Place, Setting, SettingVerdict, Written } from './verdict.js';

/**
 * How a compose string-map entry was written, from its origin. A list item's template is the
 * whole `NAME=value`: only the value part is kept.
 */
export function writtenIn(origin: ComposeOrigin | undefined): Written | undefined {
  if (origin?.references === undefined) return undefined;
  const template = origin.template;
  const listItem = isListItem(origin);
  return {
    ...(template === undefined ? {} : { template: listItem ? template.slice(template.indexOf('=') + 1) : template }),
    references: origin.references,
    sources: origin.envSources ?? {},
  };
}

function isListItem(origin: ComposeOrigin): boolean {
  return origin.key !== undefined && origin.key.line === origin.value.line && origin.key.column === origin.value.column;
}

/**
 * The verdict on a compose string-map entry (environment, build args). Service after service
 * writes the same entries — a build argument filled from `.env`, the same URL — and an entry's
 * setting follows from its place, name and value, its template and what filled each variable
 * in it, and the project's environment: for one environment and one set of options, each is
 * judged once.
 */
export function judgeComposeEntry(projectEnv: InterpolationEnvironment, place: Place, name: string, value: string | null, origin: ComposeOrigin | undefined, options: JudgeOptions): SettingVerdict | undefined {
  let byOptions = entryVerdicts.get(projectEnv);
  if (byOptions === undefined) {
    byOptions = new WeakMap();
    entryVerdicts.set(projectEnv, byOptions);
  }
  let verdicts = byOptions.get(options);
  if (verdicts === undefined) {
    verdicts = new ScanCache();
    byOptions.set(options, verdicts);
  }
  const written = origin?.references === undefined ? '' : JSON.stringify([origin.template, isListItem(origin), origin.references, origin.envSources ?? null]);
  const key = `${place}:${name.length}:${name}:${JSON.stringify(value)}${written}`;
  return verdicts.get(key, () => judgeSetting(composeSetting(projectEnv, place, name, value, origin), options) ?? null) ?? undefined;
}

const entryVerdicts = new WeakMap<InterpolationEnvironment, WeakMap<JudgeOptions, ScanCache<SettingVerdict | null>>>();

/** A compose string-map entry (environment, build args) as a setting to judge. */
function composeSetting(projectEnv: InterpolationEnvironment, place: Place, name: string, value: string | null, origin: ComposeOrigin | undefined): Setting {
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
