import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { dotenvToMap, parseDotenv } from '../../src/compose/dotenv.js';
import { interpolate, type Lookup } from '../../src/compose/interpolate.js';
import { formatComposePath, validateComposeSchema, type ComposePath } from '../../src/compose/schema.js';
import { locate } from '../../src/manifest/locate.js';
import { CORPUS, corpusComposeFiles, corpusPresent } from '../support/corpus.js';
import { dockerTools } from '../support/engine.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The problems of a YAML text, each with the line:col it points at. */
function check(text: string): { at: string; path: ComposePath; message: string }[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, merge: true });
  expect(doc.errors).toEqual([]);
  return validateComposeSchema(doc.toJS()).map(({ path, message }) => {
    const { line, column } = locate(doc, lines, 'compose.yaml', path);
    return { at: `${line}:${column}`, path, message };
  });
}

const service = (body: string) => `services:\n  api:\n    image: nginx\n${body}`;

interface InvalidCase {
  name: string;
  yaml: string;
  problems: { at: string; path: ComposePath; message: string }[];
}

const INVALID: InvalidCase[] = [
  {
    name: 'unknown service key, located at the key',
    yaml: service('    imagee: nginx\n'),
    problems: [{ at: '4:5', path: ['services', 'api', 'imagee'], message: 'unknown key "imagee" in services.api' }],
  },
  {
    name: 'unknown top-level key',
    yaml: 'servics:\n  api: {}\n',
    problems: [{ at: '1:1', path: ['servics'], message: 'unknown key "servics" at the top level' }],
  },
  {
    name: 'service name with characters Compose refuses',
    yaml: 'services:\n  my app:\n    image: nginx\n',
    problems: [
      {
        at: '2:3',
        path: ['services', 'my app'],
        message: 'unknown key "my app" in services; names may only use letters, digits, ".", "_" and "-"',
      },
    ],
  },
  {
    name: 'wrong type',
    yaml: service('    privileged: [true]\n'),
    problems: [{ at: '4:5', path: ['services', 'api', 'privileged'], message: 'services.api.privileged must be a boolean or a string' }],
  },
  {
    name: 'wrong type where the schema offers alternatives: one message, not one per alternative',
    yaml: service('    environment: 5\n'),
    problems: [{ at: '4:5', path: ['services', 'api', 'environment'], message: 'services.api.environment must be a mapping or a list' }],
  },
  {
    name: 'port entry of no allowed form',
    yaml: service('    ports:\n      - "80:80"\n      - [8080]\n'),
    problems: [{ at: '6:9', path: ['services', 'api', 'ports', 1], message: 'services.api.ports[1] must be a number, a string or a mapping' }],
  },
  {
    name: 'port mapping with an unknown key: the mapping alternative speaks, the others stay quiet',
    yaml: service('    ports:\n      - target: 80\n        hostport: 8080\n'),
    problems: [{ at: '6:9', path: ['services', 'api', 'ports', 0, 'hostport'], message: 'unknown key "hostport" in services.api.ports[0]' }],
  },
  {
    name: 'missing required key, located at the mapping that lacks it',
    yaml: service('    depends_on:\n      db:\n        restart: true\n'),
    problems: [{ at: '5:7', path: ['services', 'api', 'depends_on', 'db'], message: 'services.api.depends_on.db is missing the required key "condition"' }],
  },
  {
    name: 'value outside an enumeration',
    yaml: service('    depends_on:\n      db:\n        condition: service_ready\n'),
    problems: [
      {
        at: '6:9',
        path: ['services', 'api', 'depends_on', 'db', 'condition'],
        message: 'services.api.depends_on.db.condition must be one of: "service_started", "service_healthy", "service_completed_successfully"',
      },
    ],
  },
  {
    name: 'string outside its pattern',
    yaml: service('    pull_policy: sometimes\n'),
    problems: [
      {
        at: '4:5',
        path: ['services', 'api', 'pull_policy'],
        message: 'services.api.pull_policy must match the pattern always|never|build|if_not_present|missing|refresh|daily|weekly|every_([0-9]+[wdhms])+',
      },
    ],
  },
  {
    name: 'number out of range',
    yaml: service('    oom_score_adj: 2000\n'),
    problems: [{ at: '4:5', path: ['services', 'api', 'oom_score_adj'], message: 'services.api.oom_score_adj must be <= 1000' }],
  },
  {
    name: 'duplicate list entry, located at the later copy',
    yaml: service('    dns:\n      - 1.1.1.1\n      - 9.9.9.9\n      - 1.1.1.1\n'),
    problems: [{ at: '7:9', path: ['services', 'api', 'dns', 2], message: 'services.api.dns[2] repeats services.api.dns[0]' }],
  },
  {
    name: 'error inside an alternative inside an alternative',
    yaml: service('    build:\n      context: .\n      args: 3\n'),
    problems: [{ at: '6:7', path: ['services', 'api', 'build', 'args'], message: 'services.api.build.args must be a mapping or a list' }],
  },
  {
    name: 'key that needs quoting in a path',
    yaml: service('    labels:\n      com.example.tier: [web]\n'),
    problems: [
      {
        at: '5:7',
        path: ['services', 'api', 'labels', 'com.example.tier'],
        message: 'services.api.labels["com.example.tier"] must be a string, a number, a boolean or null',
      },
    ],
  },
  {
    name: 'a file that is not a mapping',
    yaml: '- services\n',
    problems: [{ at: '1:1', path: [], message: 'the top level must be a mapping' }],
  },
  {
    name: 'two errors in one file, both reported',
    yaml: 'services:\n  api:\n    image: nginx\n    ports:\n      - [80]\n  db:\n    image: postgres\n    restart_policy: always\n',
    problems: [
      { at: '5:9', path: ['services', 'api', 'ports', 0], message: 'services.api.ports[0] must be a number, a string or a mapping' },
      { at: '8:5', path: ['services', 'db', 'restart_policy'], message: 'unknown key "restart_policy" in services.db' },
    ],
  },
];

const VALID: { name: string; yaml: string }[] = [
  { name: 'one service', yaml: service('') },
  {
    name: 'extensions, anchors and merge keys',
    yaml: [
      'x-defaults: &defaults',
      '  restart: unless-stopped',
      '  x-owner: team-a',
      'services:',
      '  api:',
      '    <<: *defaults',
      '    image: nginx',
      '    build:',
      '      context: .',
      '      x-cache: warm',
      '',
    ].join('\n'),
  },
  {
    name: 'long forms',
    yaml: service(
      [
        '    ports:',
        '      - 80',
        '      - "8443:443/tcp"',
        '      - { target: 8080, published: "8080", protocol: tcp, mode: host }',
        '    volumes:',
        '      - ./data:/data:ro',
        '      - { type: volume, source: cache, target: /cache }',
        '    depends_on:',
        '      db: { condition: service_healthy, restart: true }',
        '    environment: [ "LOG_LEVEL=info", "DB_PASSWORD_FILE=/run/secrets/db" ]',
        '    secrets: [ db, { source: api_key, target: api_key, mode: 0400 } ]',
        '    healthcheck: { test: [ CMD, "true" ], interval: 10s, retries: 3 }',
        '    deploy: { replicas: 2, resources: { limits: { cpus: "0.5", memory: 256M } } }',
        '  db:',
        '    image: postgres',
        'volumes:',
        '  cache: {}',
        'secrets:',
        '  db: { file: ./secrets/db.txt }',
        '  api_key: { environment: API_KEY }',
        '',
      ].join('\n'),
    ),
  },
  {
    name: 'strings where Compose casts after interpolation',
    yaml: service('    cpus: "0.5"\n    read_only: "true"\n    scale: "2"\n'),
  },
  {
    name: 'features newer than Compose v2.26',
    yaml: service('    use_api_socket: true\n    models: [ llm ]\n  tool:\n    provider: { type: model, options: { model: ai/x } }\nmodels:\n  llm: { model: ai/smollm2 }\n'),
  },
  { name: "the repository's dev compose file", yaml: readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8') },
  { name: "the repository's Swarm stack file", yaml: readFileSync(join(ROOT, 'docker-compose.prod.yml'), 'utf8') },
];

describe('validateComposeSchema', () => {
  it.each(INVALID)('$name', ({ yaml, problems }) => {
    expect(check(yaml)).toEqual(problems);
  });

  it('gives the two errors of one file distinct positions', () => {
    const [first, second] = check(INVALID.at(-1)!.yaml);
    expect(first!.at).not.toBe(second!.at);
  });

  it.each(VALID)('accepts $name', ({ yaml }) => {
    expect(check(yaml)).toEqual([]);
  });

  it('never puts a value of the file in a message', () => {
    const value = 'hunter2-do-not-print';
    const yaml = service(
      [
        `    environment: ${value}`,
        `    pull_policy: ${value}`,
        `    ports: [ { target: ${value}, ${value}: 1 } ]`,
        `    dns: [ ${value}, ${value} ]`,
        '    depends_on:',
        `      db: { condition: ${value} }`,
        `    cpu_count: { ${value}: ${value} }`,
        '',
      ].join('\n'),
    );
    const problems = check(yaml);
    expect(problems.length).toBeGreaterThanOrEqual(6);
    for (const { message } of problems) expect(message.replace(`"${value}"`, '')).not.toContain(value);
  });

  it('formats paths as findings show them', () => {
    expect(formatComposePath(['services', 'api', 'ports', 0, 'target'])).toBe('services.api.ports[0].target');
    expect(formatComposePath(['services', 'web.1', 'labels', 'a b'])).toBe('services["web.1"].labels["a b"]');
  });
});

describe('the compiled schema', () => {
  it('is up to date with the schema of the installed dclint', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'scripts/generate-compose-schema.mjs'), '--check'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  // validateComposeSchema collapses the errors of a union by dropping the alternatives whose
  // type the value does not have; that needs alternatives of distinct types.
  it('has only unions whose alternatives differ by type', () => {
    const require = createRequire(import.meta.url);
    const schema = JSON.parse(readFileSync(join(dirname(require.resolve('dclint/package.json')), 'schemas/compose.schema.json'), 'utf8'));
    const definitions = (schema.definitions ?? schema.$defs) as Record<string, Schema>;
    const typesOf = (node: Schema): string[] => {
      if (typeof node.$ref === 'string') return typesOf(definitions[node.$ref.split('/').at(-1)!]!);
      const union = node.oneOf ?? node.anyOf;
      if (union) return union.flatMap(typesOf);
      const types = Array.isArray(node.type) ? node.type : [node.type];
      // An integer is a number: the two would overlap.
      return types.map((type) => (type === 'integer' ? 'number' : String(type)));
    };
    const overlapping: string[] = [];
    const visit = (node: unknown, pointer: string): void => {
      if (node === null || typeof node !== 'object') return;
      for (const [key, child] of Object.entries(node)) visit(child, `${pointer}/${key}`);
      const union = (node as Schema).oneOf ?? (node as Schema).anyOf;
      if (!union) return;
      const types = union.flatMap(typesOf);
      if (new Set(types).size !== types.length) overlapping.push(`${pointer}: ${types.join(', ')}`);
    };
    visit(schema, '#');
    expect(overlapping).toEqual([]);
  });
});

interface Schema {
  $ref?: string;
  type?: string | string[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}

// Conformance: our verdict on every compose file of the shared corpus against Docker Compose's.

// What Compose sees: no shell variables but these, plus the .env beside the file.
const COMPOSE_ENV: Record<string, string> = Object.fromEntries(
  ['PATH', 'HOME', 'DOCKER_CONFIG'].flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]!]])),
);

function ourVerdict(file: string): { valid: boolean; problems: string[] } {
  const doc = parseDocument(readFileSync(file, 'utf8'), { merge: true });
  if (doc.errors.length > 0) return { valid: false, problems: doc.errors.map((error) => error.code) };
  const dotenvFile = join(dirname(file), '.env');
  const dotenv = existsSync(dotenvFile) ? dotenvToMap(parseDotenv(readFileSync(dotenvFile, 'utf8'), dotenvFile)) : new Map<string, string>();
  // The shell environment wins over .env, as in Compose.
  const lookup: Lookup = (name) => COMPOSE_ENV[name] ?? dotenv.get(name);
  const problems = validateComposeSchema(interpolateValues(doc.toJS(), lookup)).map((problem) => problem.message);
  return { valid: problems.length === 0, problems };
}

function interpolateValues(node: unknown, lookup: Lookup): unknown {
  if (typeof node === 'string') return interpolate(node, lookup).value;
  if (Array.isArray(node)) return node.map((item) => interpolateValues(item, lookup));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolateValues(value, lookup)]));
  }
  return node;
}

type ComposeVerdict = { valid: true } | { valid: false; schemaError: boolean; message: string };

const execFileAsync = promisify(execFile);

async function composeVerdict(file: string): Promise<ComposeVerdict> {
  try {
    await execFileAsync('docker', ['compose', '-f', file, 'config', '-q'], { cwd: dirname(file), env: COMPOSE_ENV, timeout: 60_000 });
    return { valid: true };
  } catch (error) {
    const message = String((error as { stderr?: string }).stderr ?? error);
    // Compose words a schema failure of this very file as "validating <file>: <error>".
    return { valid: false, schemaError: message.includes(`validating ${file}:`), message };
  }
}

async function mapConcurrently<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

// Keys that the schema we ship knows and the copy inside Compose v2.26 does not. A file that
// uses one is invalid to that Compose and valid to us, which is right.
const NEWER_THAN_COMPOSE = ['provider', 'include'];

describe.runIf(corpusPresent('schema conformance') && dockerTools('schema conformance', ['compose']))('schema conformance with docker compose on the shared corpus', () => {
  it('agrees with docker compose config on every file, or the difference is explained', async () => {
    const files = corpusComposeFiles();
    expect(files.length).toBeGreaterThan(100);
    const theirs = await mapConcurrently(files, 4, composeVerdict);
    let agree = 0;
    const explained: string[] = [];
    const unexplained: string[] = [];
    files.forEach((file, index) => {
      const ours = ourVerdict(file);
      const compose = theirs[index]!;
      const name = relative(CORPUS, file);
      if (compose.valid) {
        if (ours.valid) agree++;
        else unexplained.push(`${name}: valid to Compose; ours: ${ours.problems.join('; ')}`);
        return;
      }
      if (!compose.schemaError) {
        // Compose checks more than the schema (env files exist, no dependency cycle, …).
        if (ours.valid) explained.push(`${name}: Compose rejects it for a reason other than the schema`);
        else unexplained.push(`${name}: Compose rejects it for a reason other than the schema; ours: ${ours.problems.join('; ')}`);
        return;
      }
      const unknown = /Additional property (\S+) is not allowed/.exec(compose.message)?.[1];
      if (!ours.valid && (unknown === undefined || ours.problems.some((problem) => problem.includes(`unknown key "${unknown}"`)))) {
        agree++;
      } else if (ours.valid && unknown !== undefined && NEWER_THAN_COMPOSE.includes(unknown)) {
        explained.push(`${name}: uses ${unknown}, newer than this Compose's schema`);
      } else {
        unexplained.push(`${name}: Compose: ${compose.message.trim()}; ours: ${ours.valid ? 'valid' : ours.problems.join('; ')}`);
      }
    });
    console.info(
      `schema conformance: ${agree}/${files.length} files get the verdict of docker compose config; ${explained.length} differ for known reasons:\n  ${explained.join('\n  ')}`,
    );
    expect(unexplained).toEqual([]);
  });
});
