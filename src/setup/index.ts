/** `planes setup`: the dev secret files, created once and never overwritten. */
export { setupDevSecrets, type SetupResult } from './dev-secrets.js';
