#!/usr/bin/env node
import { createBundleLoader } from './load-bundle.js';

/**
 * The `planes` executable (dist/planes.cjs). `planes check` runs in every CI pipeline, so it
 * has a bundle of its own with only the checker in it; every other command, and the help that
 * lists them all, share dist/commands.cjs.
 */
const bundle = process.argv[2] === 'check' ? 'check.cjs' : 'commands.cjs';
const loader = createBundleLoader(__dirname);
// scripts/build.mjs runs a few commands with this set to record what they compiled.
if (process.env.PLANES_RECORD_CODE_CACHE === '1') process.on('exit', () => loader.recordCodeCaches());
const { main } = loader.load(bundle) as { main: (argv: string[]) => Promise<number> };
void main(process.argv).then((code) => {
  process.exitCode = code;
});
