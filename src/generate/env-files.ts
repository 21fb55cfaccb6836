import { COMMON_ENV_FILE, environmentEnvFile } from '../layout.js';
import { configValueIn, environmentNames, isPerEnvironment, type Manifest } from '../manifest/index.js';
import { generatedHeader } from './header.js';
import type { GenerationProblem } from './problems.js';

type Target = 'compose' | 'swarm';

/**
 * The config plane on disk: values shared by every environment in common.env, values that
 * differ in <env>.env. `docker stack deploy` reads env files literally (no quotes, no
 * interpolation) while Compose parses them as dotenv, so a value that the two would read
 * differently is only quoted where Compose alone reads the file, and refused elsewhere.
 */
export function envFiles(manifest: Manifest, manifestFile: string): { files: { path: string; content: string }[]; problems: GenerationProblem[] } {
  const problems: GenerationProblem[] = [];
  const allTargets = new Set(Object.values(manifest.environments).map((e) => e.target));

  const common: string[] = [];
  for (const [key, value] of Object.entries(manifest.config)) {
    if (isPerEnvironment(value)) continue;
    const line = envLine(key, String(value), allTargets);
    if (typeof line === 'string') common.push(line);
    else problems.push({ path: ['config', key], message: line.problem });
  }
  const files = [
    { path: COMMON_ENV_FILE, content: generatedHeader(manifestFile, ['Plane: config. Non-secret settings shared by every environment.']) + common.join('') },
  ];

  for (const environment of environmentNames(manifest)) {
    const target = new Set([manifest.environments[environment]!.target]);
    const lines: string[] = [];
    for (const [key, value] of Object.entries(manifest.config)) {
      if (!isPerEnvironment(value)) continue;
      const text = configValueIn(value, environment);
      if (text === undefined) continue;
      const line = envLine(key, text, target);
      if (typeof line === 'string') lines.push(line);
      else problems.push({ path: ['config', key, environment], message: line.problem });
    }
    files.push({
      path: environmentEnvFile(environment),
      content: generatedHeader(manifestFile, [`Plane: config. Non-secret settings of the ${environment} environment.`]) + lines.join(''),
    });
  }
  return { files, problems };
}

// Read identically by Compose's dotenv parser and by docker's literal env-file reader.
const LITERAL_SAFE = /^(?:[^\s'"#$\\`][^\n$\\`]*[^\s$\\`]|[^\s'"#$\\`])?$/;

function envLine(key: string, value: string, readers: Set<Target>): string | { problem: string } {
  if (LITERAL_SAFE.test(value) && !value.includes(' #')) return `${key}=${value}\n`;
  if (readers.has('swarm')) {
    return {
      problem: `${key}: this value would be read differently by docker stack (literal) and Compose (dotenv); avoid leading/trailing spaces, quotes at the start, $, \\, backticks, " #" and line breaks, or give it per environment`,
    };
  }
  if (!value.includes("'") && !value.includes('\n')) return `${key}='${value}'\n`;
  return { problem: `${key}: a value with both a single quote and a line break or $ cannot be written safely to an env file; simplify it` };
}
