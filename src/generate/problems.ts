import type { YamlPath } from '../manifest/index.js';

/** A manifest that is valid on its own but cannot be turned into a working compose file. */
export interface GenerationProblem {
  path: YamlPath;
  message: string;
}
