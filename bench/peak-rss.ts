import { writeFileSync } from 'node:fs';

/**
 * Preloaded (`NODE_OPTIONS=--import=…`) into the process under measurement: only the process itself knows
 * its peak resident set size when it exits, and this works wherever Node runs, with no
 * `/usr/bin/time` needed. Writes kilobytes to the file named by PLANES_BENCH_RSS_FILE.
 */
const output = process.env.PLANES_BENCH_RSS_FILE;
if (output) {
  process.on('exit', () => {
    writeFileSync(output, String(process.resourceUsage().maxRSS));
  });
}
