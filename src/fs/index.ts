/** The filesystem as planes uses it: configuration files read as text, files written all or none. */
export { writeFilesAtomically, type PlannedWrite } from './atomic.js';
export { displayPath } from './display.js';
export { FileReadError, isFile, notARegularFile, readFileBytes, readTextFile } from './read.js';
