import { interpolate } from '../compose/index.js';
import type { ArgOrEnvEntry } from '../dockerfile/index.js';
import type { Setting } from './verdict.js';

/**
 * A Dockerfile ARG or ENV as a setting to judge. `$VAR` and `${VAR:-default}` read build
 * arguments, whose values are only known at build time: the value judged is the one the
 * Dockerfile gives when none is passed.
 */
export function dockerfileSetting(entry: ArgOrEnvEntry): Setting {
  const place = entry.keyword === 'ARG' ? 'dockerfile-arg' : 'dockerfile-env';
  if (entry.value === undefined || !entry.value.includes('$')) return { place, name: entry.key, value: entry.value };
  const { value, references } = interpolate(entry.value, () => undefined);
  return { place, name: entry.key, value, written: { template: entry.value, references, sources: {} } };
}
