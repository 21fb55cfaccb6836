/** The filesystem as planes uses it: configuration files read as text; files written all or none, only inside the project, never through a link to a secret. */
export { checkWrites, finishInterruptedWrite, writeFilesAtomically } from './atomic.js';
export { isSecretFilePath, STAGING_DIR, type PlannedWrite, type ProtectedFile, type WriteOptions } from './confine.js';
export { displayPath, pathDisplay } from './display.js';
export { errorCode, fileFailure } from './failure.js';
export { secretFileState, secretFileValue, securePrivateDirectory } from './private.js';
export { FileReadError, isFile, notARegularFile, readFileBytes, readTextFile } from './read.js';
