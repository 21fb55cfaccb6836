/**
 * The compose loader: a compose project read as Docker Compose reads it, with the place every
 * entry was written. The rest of planes imports the loader from here only.
 */
import { originOf as entryOrigin, type EntryKey } from '../yaml/index.js';
import type { ComposeOrigin } from './model.js';

export { loadComposeProject } from './load.js';
export type {
  ComposeModel,
  ComposeOrigin,
  ComposeProject,
  ComposeService,
  EnvFileRead,
  LoadOptions,
  LoadProblem,
  MountedResource,
} from './model.js';
export type { EnvSource, InterpolationEnvironment } from './environment.js';
export type { DotenvEntry } from './dotenv.js';
export { interpolate, type VariableReference } from './interpolate.js';
export { formatComposePath, type ComposePath } from './schema.js';
export { filledByOf, shownEntry } from './shown.js';
export { originsOf } from '../yaml/index.js';

/** Where an entry of the loaded model was written and, for an interpolated string, how. */
export function originOf(container: object, key: EntryKey): ComposeOrigin | undefined {
  return entryOrigin(container, key);
}
