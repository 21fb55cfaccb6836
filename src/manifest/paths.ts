/** Where a planes project keeps its manifest, relative to the project root. */
export const DEFAULT_MANIFEST = 'compose/stack.yaml';
