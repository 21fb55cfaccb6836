/**
 * YAML as Docker Compose reads it (go-yaml v3), as plain data whose every entry has its place
 * in the source in the origins table.
 */
export { isMapping, parseYaml, refuseDeepNesting, type YamlMapping, type YamlValue } from './parse.js';
export { carry, copyNode, originOf, originsOf, put, remove, type EntryKey, type EntryValue, type Origin } from './origins.js';
export { formatGoNumber, resolvePlain, resolveTagged } from './scalars.js';
export { LineIndex } from './lines.js';
