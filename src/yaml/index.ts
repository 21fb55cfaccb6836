/**
 * YAML as Docker Compose reads it (go-yaml v3), as plain data whose every entry has its place
 * in the source in the origins table.
 */
export { isMapping, parseYaml, setEntry, type YamlMapping, type YamlValue } from './parse.js';
export { copyOrigin, copyOrigins, deleteOrigin, originOf, originsOf, setOrigin, type ComposeTag, type EntryKey, type Origin } from './origins.js';
export { formatGoNumber } from './scalars.js';
export { LineIndex } from './lines.js';
