import type { Paths } from './sandbox.js';

/**
 * The commands of the matrix, each in every output format it has. A family says which hostile
 * inputs a command applies to: an input lists the families it is built for.
 */
export type Family = 'generate' | 'setup' | 'plan' | 'schema' | 'check' | 'migrate' | 'engine';

export interface CommandSpec {
  id: string;
  family: Family;
  args: (paths: Paths) => string[];
  /** Engine commands run twice: with DOCKER_HOST at a socket that does not exist, and against the fake engine. */
  engine?: 'absent' | 'fake';
}

const CHECK_FORMATS = ['text', 'json', 'sarif', 'github'] as const;

const ENGINE_COMMANDS: { id: string; args: string[]; withoutEngine: boolean }[] = [
  { id: 'secrets push --env prod', args: ['secrets', 'push', '--env', 'prod'], withoutEngine: true },
  { id: 'secrets verify --env prod', args: ['secrets', 'verify', '--env', 'prod'], withoutEngine: true },
  { id: 'secrets prune --env prod', args: ['secrets', 'prune', '--env', 'prod'], withoutEngine: true },
  { id: 'secrets rotate api_key --env prod', args: ['secrets', 'rotate', 'api_key', '--env', 'prod', '--timeout', '5'], withoutEngine: true },
  { id: 'audit', args: ['audit'], withoutEngine: true },
  { id: 'audit --images --format json', args: ['audit', '--images', '--format', 'json'], withoutEngine: false },
  { id: 'audit --stack typo', args: ['audit', '--stack', 'typo'], withoutEngine: false },
  { id: 'deploy --env prod', args: ['deploy', '--env', 'prod', '--resolve-image', 'never'], withoutEngine: false },
  { id: 'deploy --env prod --push', args: ['deploy', '--env', 'prod', '--push', '--resolve-image', 'never'], withoutEngine: true },
];

export const COMMANDS: readonly CommandSpec[] = [
  { id: 'generate', family: 'generate', args: () => ['generate'] },
  { id: 'generate --check', family: 'generate', args: () => ['generate', '--check'] },
  { id: 'setup', family: 'setup', args: () => ['setup'] },
  { id: 'plan', family: 'plan', args: () => ['plan'] },
  { id: 'plan --json', family: 'plan', args: () => ['plan', '--json'] },
  { id: 'schema', family: 'schema', args: () => ['schema'] },
  ...CHECK_FORMATS.map((format): CommandSpec => ({ id: `check --format ${format}`, family: 'check', args: () => ['check', '--format', format] })),
  { id: 'migrate', family: 'migrate', args: (paths) => ['migrate', '--out', paths.out] },
  { id: 'migrate --json', family: 'migrate', args: (paths) => ['migrate', '--out', paths.out, '--json'] },
  { id: 'migrate --dry-run', family: 'migrate', args: (paths) => ['migrate', '--out', paths.out, '--dry-run'] },
  ...ENGINE_COMMANDS.flatMap(({ id, args, withoutEngine }): CommandSpec[] => [
    ...(withoutEngine ? [{ id: `${id} [no engine]`, family: 'engine' as const, args: () => args, engine: 'absent' as const }] : []),
    { id: `${id} [fake engine]`, family: 'engine', args: () => args, engine: 'fake' },
  ]),
];
