import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ManifestError, parseManifest } from '../../src/manifest/load.js';

const MINIMAL = `name: shop
environments:
  dev: { target: compose, file: docker-compose.yml }
services:
  web:
    image: nginx:1.27
`;

function problemsOf(text: string): string[] {
  try {
    parseManifest(text, 'stack.yaml');
  } catch (error) {
    if (error instanceof ManifestError) return error.message.split('\n');
    throw error;
  }
  throw new Error('expected the manifest to be rejected');
}

describe('good manifests', () => {
  it('accepts a minimal manifest and fills the defaults', () => {
    const { manifest } = parseManifest(MINIMAL, 'stack.yaml');
    expect(manifest.name).toBe('shop');
    expect(manifest.config).toEqual({});
    expect(manifest.secrets).toEqual({});
    expect(manifest.services.web?.image).toBe('nginx:1.27');
  });

  it('accepts the reference stack', () => {
    const { manifest } = parseManifest(readFileSync('compose/stack.yaml', 'utf8'), 'compose/stack.yaml');
    expect(Object.keys(manifest.services)).toEqual(['api', 'worker', 'db', 'redis']);
    expect(manifest.secrets.postgres_password?.generate).toEqual({ length: 32, charset: 'alphanumeric' });
  });

  it('locates a path where it was written', () => {
    const loaded = parseManifest(MINIMAL, 'stack.yaml');
    expect(loaded.locate(['services', 'web', 'image'])).toEqual({ file: 'stack.yaml', line: 6, column: 5 });
  });
});

// Each bad manifest: what to change in MINIMAL (or a whole text), the problem expected, and where.
const BAD: { name: string; text: string; message: RegExp; at: string }[] = [
  { name: 'an empty file', text: '', message: /the manifest is empty/, at: '1:1' },
  { name: 'only comments', text: '# nothing yet\n', message: /the manifest is empty/, at: '1:1' },
  { name: 'not YAML', text: 'name: shop\nservices: [a\n', message: /not valid YAML/, at: '3:1' },
  { name: 'a YAML list', text: '- a\n- b\n', message: /must be a YAML mapping/, at: '1:1' },
  { name: 'a duplicate key', text: MINIMAL + 'name: other\n', message: /not valid YAML: Map keys must be unique/, at: '7:1' },
  { name: 'an unknown top-level key', text: MINIMAL + 'servics: {}\n', message: /servics: unknown key here/, at: '7:1' },
  {
    name: 'an unknown service key',
    text: MINIMAL + '    imagee: x\n',
    message: /imagee: unknown key here/,
    at: '7:5',
  },
  {
    name: 'environment in a service',
    text: MINIMAL + '    environment: { A: b }\n',
    message: /environment: planes writes environment and env_file itself; put non-secret settings under config:/,
    at: '7:5',
  },
  {
    name: 'a missing image',
    text: MINIMAL.replace('    image: nginx:1.27\n', '    ports: ["80:80"]\n'),
    message: /image: is required here/,
    at: '5:3',
  },
  {
    name: 'a service name Compose rejects',
    text: MINIMAL.replace('  web:', '  "web app":'),
    message: /must be a Compose service name/,
    at: '5:3',
  },
  {
    name: 'a stack name Compose rejects',
    text: MINIMAL.replace('name: shop', 'name: Shop!'),
    message: /name: must be a Compose project name/,
    at: '1:1',
  },
  {
    name: 'a secret referenced but not declared',
    text: MINIMAL + '    secrets: [db_password]\n',
    message: /secret db_password is not declared under secrets:/,
    at: '7:15',
  },
  {
    name: 'a config setting referenced but not declared',
    text: MINIMAL + '    config: [LOG_LEVEL]\n',
    message: /LOG_LEVEL is not declared under config:/,
    at: '7:14',
  },
  {
    name: 'a setting given two planes',
    text: MINIMAL + 'config:\n  DB_PASSWORD_HOST: x\n  API_KEY_ID: y\n  JWT_SECRET_ALIAS: z\n  SESSION_KEY: q\nsecrets:\n  session_key: { generate: { length: 32 } }\n',
    message: /SESSION_KEY is both a config setting and the secret session_key; a setting lives in one plane/,
    at: '11:3',
  },
  {
    name: 'a secret-looking name under config',
    text: MINIMAL + 'config:\n  DB_PASSWORD: hunter2isverysecret\n',
    message: /DB_PASSWORD is named like a secret; config is not secret: move it to secrets:/,
    at: '8:3',
  },
  {
    name: 'a credential value under config',
    text: MINIMAL + 'config:\n  DATABASE_URL: postgres://app:S3cr3tPassw0rd@db/app\n',
    message: /DATABASE_URL holds what looks like a credential .*; move it to secrets:/,
    at: '8:3',
  },
  {
    name: 'a credential in one environment of a setting',
    text: MINIMAL + 'config:\n  UPSTREAM: { dev: "http://localhost", prod: "https://u:Pr0dPassw0rd9@up.example.com" }\n',
    message: /UPSTREAM holds what looks like a credential/,
    at: '8:40',
  },
  {
    name: 'a per-environment value for an unknown environment',
    text: MINIMAL + 'config:\n  DEBUG: { dev: "true", staging: "false" }\n',
    message: /staging is not an environment; environments are: dev/,
    at: '8:25',
  },
  {
    name: 'a build secret used as a runtime secret',
    text: MINIMAL + '    secrets: [npm_token]\nbuild_secrets:\n  npm_token: { env: NPM_TOKEN }\n',
    message: /secret npm_token is not declared under secrets: \(it is a build secret/,
    at: '7:15',
  },
  {
    name: 'a secret build argument',
    text: MINIMAL + '    build: { context: ., args: { NPM_TOKEN: abc } }\n',
    message: /NPM_TOKEN: build arguments persist in the image; declare it under build_secrets:/,
    at: '7:34',
  },
  {
    name: 'an unquoted file mode',
    text: MINIMAL + '    secrets: { s: { mode: 0400 } }\nsecrets:\n  s: { generate: { length: 16 } }\n',
    message: /write the mode as a quoted octal string/,
    at: '7:21',
  },
  {
    name: 'a credential in a label, which planes would write into the compose files',
    text: MINIMAL + '    labels: { com.example.token: ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5 }\n',
    message: /label com\.example\.token holds a secret: GitHub token .*\(gh\*+Y5, 40 chars\); planes writes this key into the compose files as it is/,
    at: '7:15',
  },
  {
    name: 'a password on a command line, in an environment override',
    text: MINIMAL + '    overrides:\n      dev: { command: [redis-server, --requirepass, Zq8rT4mLw2xKp9] }\n',
    message: /command puts on the command line a secret: .*; planes writes this key into the compose files as it is/,
    at: '8:53',
  },
  {
    name: 'a credential in another key passed through',
    text: MINIMAL + '    volumes: ["https://admin:Zq8rT4mLw2xKp9@files.internal/share:/data"]\n',
    message: /holds a secret: URL with a password/,
    at: '7:15',
  },
  {
    name: 'a secret source with two kinds',
    text: MINIMAL + 'secrets:\n  s: { source: { env: A, file: b } }\n',
    message: /give exactly one of file:, env: or command:/,
    at: '8:8',
  },
];

describe('bad manifests', () => {
  it.each(BAD)('rejects $name with file:line:column and what to do', ({ text, message, at }) => {
    const problems = problemsOf(text);
    const match = problems.find((line) => message.test(line));
    expect(match, problems.join('\n')).toBeDefined();
    expect(match!.startsWith(`stack.yaml:${at}: `), match).toBe(true);
  });

  it('reports every problem at once, in file order', () => {
    const problems = problemsOf(MINIMAL + '    config: [A, B]\n    secrets: [c]\n');
    expect(problems).toHaveLength(3);
    expect(problems.map((p) => p.split(': ')[0])).toEqual(['stack.yaml:7:14', 'stack.yaml:7:17', 'stack.yaml:8:15']);
  });

  it('never repeats a secret-looking config value in its message', () => {
    const problems = problemsOf(MINIMAL + 'config:\n  DATABASE_URL: postgres://app:S3cr3tPassw0rd@db/app\n').join('\n');
    expect(problems).not.toContain('S3cr3tPassw0rd');
  });

  it('stops an alias bomb', () => {
    const bomb = ['name: shop', 'a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`);
    expect(problemsOf(bomb.join('\n') + '\n').join('\n')).toMatch(/alias/i);
  });
});

describe('where an environment file may be generated', () => {
  const DEV_FILE = 'file: docker-compose.yml';
  const withDevFile = (file: string, extra = ''): string => MINIMAL.replace(DEV_FILE, `file: ${file}`) + extra;
  const SECRET = 'secrets:\n  db: { generate: { length: 32 } }\n';

  it.each([
    ['a path out of the project', '../shared/docker-compose.yml', /file: \.\.\/shared\/docker-compose\.yml is outside the project; give a path relative to the project root/],
    ['an absolute path', '/etc/planes.yml', /file: \/etc\/planes\.yml is outside the project/],
    ['the project directory', '.', /file: \. names a directory; give the name of the file to generate/],
    ['a directory', 'deploy/', /file: deploy\/ names a directory/],
    ['a secret file', 'secrets/db.txt', /file: secrets\/db\.txt is where a secret file goes \(secrets\/\*\.txt\); planes never writes a generated file there/],
    ['a secret file, spelt otherwise', './Secrets/DB.TXT', /is where a secret file goes/],
    ['the manifest', 'compose/stack.yaml', /file: compose\/stack\.yaml is the manifest; give each environment a file of its own/],
    ['the manifest as loaded', './stack.yaml', /file: \.\/stack\.yaml is the manifest/],
    ['the shared config file', 'config/common.env', /file: config\/common\.env is the config file every environment reads/],
    ['its own config file', 'config/dev.env', /file: config\/dev\.env is the config file of the dev environment/],
    ['the .gitignore', '.gitignore', /file: \.gitignore is the \.gitignore that keeps the secret files out of git/],
    ['the staging directory', '.planes-staging/dev.yml', /inside \.planes-staging\/, where planes stages its writes/],
  ])('refuses %s, at the file: key', (_, file, message) => {
    const problems = problemsOf(withDevFile(file));
    expect(problems.find((line) => message.test(line)), problems.join('\n')).toMatch(/^stack\.yaml:3:27: /);
  });

  it("refuses a secret's example", () => {
    const problems = problemsOf(withDevFile('secrets/db.txt.example', SECRET));
    expect(problems).toEqual(['stack.yaml:3:27: file: secrets/db.txt.example is the example of the secret db; give each environment a file of its own']);
  });

  it("refuses another environment's file, however spelt", () => {
    const text = MINIMAL.replace('environments:\n', 'environments:\n  prod: { target: swarm, file: ./Docker-Compose.yml }\n').replace('services:', 'services:');
    expect(problemsOf(text)).toEqual(['stack.yaml:4:27: file: docker-compose.yml is the file of the prod environment; give each environment a file of its own']);
  });

  it('refuses an environment named common: its config file is the shared one', () => {
    const text = MINIMAL.replace('  dev: {', '  common: {');
    expect(problemsOf(text)).toEqual([
      'stack.yaml:3:3: common: a reserved name (config/common.env holds the settings shared by every environment, not those of one); name the environment otherwise',
    ]);
  });

  it('accepts a file in a directory of its own', () => {
    expect(() => parseManifest(withDevFile('deploy/dev/docker-compose.yml'), 'stack.yaml')).not.toThrow();
  });
});
