/** Dockerfiles as BuildKit reads them, each instruction with the place it was written. */
export { argAndEnvEntries, parseDockerfile, type ArgOrEnvEntry, type DockerfileInstruction } from './parse.js';
