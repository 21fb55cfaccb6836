import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyRules } from '../../../src/check/apply-rules.js';
import { buildContext } from '../../../src/check/context.js';
import type { Finding } from '../../../src/report/finding.js';
import { manifestForCheck } from '../../../src/check/manifest.js';
import { secretFileRule } from '../../../src/check/rules/secret-file.js';
import { parseManifest } from '../../../src/manifest/load.js';
import { projectWith } from '../../support/project.js';

const MANIFEST = [
  'name: demo',
  'environments:',
  '  dev: { target: compose, file: docker-compose.yml }',
  'secrets:',
  '  db_password: { generate: { length: 32 } }',
  'services:',
  '  api:',
  '    image: demo/api:1',
  '    secrets:',
  '      db_password: { env: DB_PASSWORD_FILE }',
  '',
].join('\n');

const COMPOSE = 'services:\n  api:\n    image: api\n    secrets: [db_password]\nsecrets:\n  db_password:\n    file: ./secrets/db_password.txt\n';
const AT_FILE = { file: 'compose.yaml', line: 7, column: 11, key: 'db_password', path: 'secrets.db_password.file' };

interface Setup {
  /** Path → mode, applied after the files are written. */
  modes?: Record<string, number>;
  /** Turn the project into a git work tree; the paths listed are committed. */
  git?: { commit: string[] };
  manifest?: boolean;
  files?: string[];
  /** Run as on a machine without git: the work tree may be there, the command is not. */
  noGitCommand?: boolean;
}

function run(files: Record<string, string>, setup: Setup = {}): Finding[] {
  const cwd = projectWith(files);
  for (const [path, mode] of Object.entries(setup.modes ?? {})) chmodSync(join(cwd, path), mode);
  if (setup.git) {
    git(cwd, 'init', '--quiet');
    git(cwd, 'config', 'user.name', 'planes test');
    git(cwd, 'config', 'user.email', 'planes@example.test');
    if (setup.git.commit.length > 0) {
      git(cwd, 'add', '--force', '--', ...setup.git.commit);
      git(cwd, 'commit', '--quiet', '-m', 'fixture');
    }
  }
  if (setup.noGitCommand) vi.stubEnv('PATH', '');
  const manifest = setup.manifest ? { manifest: manifestForCheck(parseManifest(MANIFEST, 'compose/stack.yaml'), cwd) } : {};
  const { context } = buildContext({ swarm: false, ...(setup.files ? { files: setup.files } : {}) }, { cwd, environment: {}, ...manifest });
  return applyRules([secretFileRule], context);
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'ignore' });
}

const where = ({ rule, severity, file, line, column, service, key, path }: Finding) => ({ rule, severity, file, line, column, service, key, path });
type Place = typeof AT_FILE & { severity?: Finding['severity'] };
const expected = (entries: Place[]) => entries.map((entry) => ({ rule: 'secret-file', severity: 'error', service: null, ...entry }));

const SECRET = { 'compose.yaml': COMPOSE, 'secrets/db_password.txt': 'x' };
const PRIVATE = { 'secrets/db_password.txt': 0o600 };
/** A fresh clone of a project: the example and the .gitignore planes generates are committed, the secret file is not there yet. */
const FRESH_CLONE = { 'compose.yaml': COMPOSE, 'secrets/db_password.txt.example': 'example', '.gitignore': '# planes\nsecrets/*.txt\n!secrets/*.txt.example\n' };
const COMMITTED = { git: { commit: ['compose.yaml', 'secrets/db_password.txt.example', '.gitignore'] } };
function without(files: Record<string, string>, path: string): Record<string, string> {
  return Object.fromEntries(Object.entries(files).filter(([name]) => name !== path));
}
const NOTE = { ...AT_FILE, severity: 'note' as const };
const MISSING = 'secrets/db_password.txt, the file of secret db_password, does not exist; run planes setup';
const NOT_IGNORED = 'secrets/db_password.txt, the file of secret db_password, is not ignored by git, so it is one git add away from a commit: add it to .gitignore';

const cases: { name: string; files: Record<string, string>; setup?: Setup; findings: Place[]; messages?: string[] }[] = [
  { name: 'mode 600, no git work tree', files: SECRET, setup: { modes: PRIVATE }, findings: [] },
  {
    name: 'mode 644: readable by others',
    files: SECRET,
    setup: { modes: { 'secrets/db_password.txt': 0o644 } },
    findings: [{ ...AT_FILE, severity: 'warning' }],
    messages: ['secrets/db_password.txt, the file of secret db_password, is open to group or others (mode 644); chmod 600 secrets/db_password.txt'],
  },
  { name: 'mode 640: readable by the group', files: SECRET, setup: { modes: { 'secrets/db_password.txt': 0o640 } }, findings: [{ ...AT_FILE, severity: 'warning' }] },
  { name: 'mode 400 is fine', files: SECRET, setup: { modes: { 'secrets/db_password.txt': 0o400 } }, findings: [] },
  {
    name: 'missing, no manifest',
    files: { 'compose.yaml': COMPOSE },
    findings: [AT_FILE],
    messages: ['secrets/db_password.txt, the file of secret db_password, does not exist; create it (chmod 600 secrets/db_password.txt) and keep it out of git'],
  },
  {
    name: 'missing, with a planes manifest',
    files: { 'compose.yaml': COMPOSE },
    setup: { manifest: true },
    findings: [AT_FILE],
    messages: ['secrets/db_password.txt, the file of secret db_password, does not exist; run planes setup'],
  },
  {
    name: 'git: ignored and untracked',
    files: { ...SECRET, '.gitignore': 'secrets/*.txt\n' },
    setup: { modes: PRIVATE, git: { commit: ['.gitignore', 'compose.yaml'] } },
    findings: [],
  },
  {
    name: 'git: not ignored',
    files: SECRET,
    setup: { modes: PRIVATE, git: { commit: [] } },
    findings: [AT_FILE],
    messages: ['secrets/db_password.txt, the file of secret db_password, is not ignored by git, so it is one git add away from a commit: add it to .gitignore'],
  },
  {
    name: 'git: tracked, ignored since',
    files: { ...SECRET, '.gitignore': 'secrets/*.txt\n' },
    setup: { modes: PRIVATE, git: { commit: ['secrets/db_password.txt'] } },
    findings: [AT_FILE],
    messages: [
      "secrets/db_password.txt, the file of secret db_password, is tracked by git, so its value is in the repository's history: rotate the secret, then git rm --cached secrets/db_password.txt",
    ],
  },
  {
    name: 'git: tracked and not ignored',
    files: SECRET,
    setup: { modes: PRIVATE, git: { commit: ['secrets/db_password.txt'] } },
    findings: [AT_FILE],
    messages: [
      "secrets/db_password.txt, the file of secret db_password, is tracked by git, so its value is in the repository's history: rotate the secret, then git rm --cached secrets/db_password.txt and add it to .gitignore",
    ],
  },
  {
    name: 'git: missing and not ignored, both at once',
    files: { 'compose.yaml': COMPOSE },
    setup: { git: { commit: [] } },
    findings: [AT_FILE, AT_FILE],
  },
  {
    name: 'git: a project in a subdirectory, its secret file beside it',
    files: {
      'deploy/compose.yaml': 'services:\n  api:\n    image: api\n    secrets: [token]\nsecrets:\n  token:\n    file: ../secrets/token.txt\n',
      'secrets/token.txt': 'x',
      '.gitignore': '/secrets/\n',
    },
    setup: { modes: { 'secrets/token.txt': 0o600 }, git: { commit: [] }, files: ['deploy/compose.yaml'] },
    findings: [],
  },
  {
    name: 'git: a project in a subdirectory, its secret file tracked',
    files: {
      'deploy/compose.yaml': 'services:\n  api:\n    image: api\n    secrets: [token]\nsecrets:\n  token:\n    file: ../secrets/token.txt\n',
      'secrets/token.txt': 'x',
    },
    setup: { modes: { 'secrets/token.txt': 0o600 }, git: { commit: ['secrets/token.txt'] }, files: ['deploy/compose.yaml'] },
    findings: [{ file: 'deploy/compose.yaml', line: 7, column: 11, key: 'token', path: 'secrets.token.file' }],
    messages: ["secrets/token.txt, the file of secret token, is tracked by git, so its value is in the repository's history: rotate the secret, then git rm --cached secrets/token.txt and add it to .gitignore"],
  },
  {
    name: 'the file: written in the override file, several secrets in order',
    files: {
      'compose.yaml': 'services:\n  api:\n    image: api\n    secrets: [a, b]\nsecrets:\n  a: { file: ./a.txt }\n  b: { file: ./b.txt }\n',
      'compose.override.yaml': 'secrets:\n  b:\n    file: ./b-local.txt\n',
      'a.txt': 'x',
      'b-local.txt': 'x',
    },
    setup: { modes: { 'a.txt': 0o666, 'b-local.txt': 0o604 } },
    findings: [
      { file: 'compose.yaml', line: 6, column: 14, key: 'a', path: 'secrets.a.file', severity: 'warning' },
      { file: 'compose.override.yaml', line: 3, column: 11, key: 'b', path: 'secrets.b.file', severity: 'warning' },
    ],
  },
  {
    name: 'fresh clone of a planes project: missing, ignored, example committed',
    files: FRESH_CLONE,
    setup: { ...COMMITTED, manifest: true },
    findings: [NOTE],
    messages: ['secrets/db_password.txt, the file of secret db_password, does not exist yet; planes setup creates it (git ignores it, its example is there)'],
  },
  {
    name: 'fresh clone without a manifest: the note says how to make the file',
    files: FRESH_CLONE,
    setup: COMMITTED,
    findings: [NOTE],
    messages: [
      'secrets/db_password.txt, the file of secret db_password, does not exist yet; create it from secrets/db_password.txt.example (chmod 600 secrets/db_password.txt) (git ignores it, its example is there)',
    ],
  },
  {
    name: 'fresh clone, ignored by a pattern other than planes’ own',
    files: { ...FRESH_CLONE, '.gitignore': '/secrets/**\n!/secrets/*.example\n' },
    setup: { ...COMMITTED, manifest: true },
    findings: [NOTE],
  },
  {
    name: 'missing and ignored, but no example: an error',
    files: { 'compose.yaml': COMPOSE, '.gitignore': 'secrets/*.txt\n' },
    setup: { git: { commit: ['compose.yaml', '.gitignore'] }, manifest: true },
    findings: [AT_FILE],
    messages: [MISSING],
  },
  {
    name: 'missing with its example, not ignored: both errors',
    files: { 'compose.yaml': COMPOSE, 'secrets/db_password.txt.example': 'example' },
    setup: { git: { commit: ['compose.yaml', 'secrets/db_password.txt.example'] }, manifest: true },
    findings: [AT_FILE, AT_FILE],
    messages: [MISSING, NOT_IGNORED],
  },
  {
    name: 'an example that is a directory is no example',
    files: { ...without(FRESH_CLONE, 'secrets/db_password.txt.example'), 'secrets/db_password.txt.example/x': 'x' },
    setup: { git: { commit: ['compose.yaml', '.gitignore'] }, manifest: true },
    findings: [AT_FILE],
  },
  {
    name: 'no work tree (a source archive): the .gitignore line planes writes decides',
    files: FRESH_CLONE,
    setup: { manifest: true },
    findings: [NOTE],
  },
  {
    name: 'no work tree, a .gitignore without planes’ line: an error',
    files: { ...FRESH_CLONE, '.gitignore': '*.log\n' },
    setup: { manifest: true },
    findings: [AT_FILE],
  },
  {
    name: 'no work tree, no .gitignore: an error',
    files: without(FRESH_CLONE, '.gitignore'),
    setup: { manifest: true },
    findings: [AT_FILE],
  },
  {
    name: 'no work tree, a secret file outside secrets/: planes’ line does not cover it',
    files: {
      'compose.yaml': COMPOSE.replace('./secrets/db_password.txt', './db_password.txt'),
      'db_password.txt.example': 'example',
      '.gitignore': 'secrets/*.txt\n',
    },
    setup: { manifest: true },
    findings: [AT_FILE],
  },
  {
    name: 'git not installed, in a work tree: the .gitignore line decides',
    files: FRESH_CLONE,
    setup: { ...COMMITTED, manifest: true, noGitCommand: true },
    findings: [NOTE],
  },
  {
    name: 'secrets from the environment or external have no file',
    files: { 'compose.yaml': 'services:\n  api:\n    image: api\n    secrets: [a, b]\nsecrets:\n  a: { environment: A }\n  b: { external: true }\n' },
    setup: { git: { commit: [] } },
    findings: [],
  },
];

describe('secret-file', () => {
  // Whatever git configuration the machine has (a global excludes file) must not decide these cases.
  beforeEach(() => {
    const home = mkdtempSync(join(tmpdir(), 'planes-home-'));
    vi.stubEnv('HOME', home);
    vi.stubEnv('XDG_CONFIG_HOME', home);
    vi.stubEnv('GIT_CONFIG_NOSYSTEM', '1');
    // Nor a repository that happens to hold the temporary directory.
    vi.stubEnv('GIT_CEILING_DIRECTORIES', tmpdir());
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each(cases)('$name', ({ files, setup, findings, messages }) => {
    const found = run(files, setup);
    expect(found.map(where)).toEqual(expected(findings));
    if (messages) expect(found.map(({ message }) => message)).toEqual(messages);
  });

  it('a secret file outside the work tree gets no git verdict', () => {
    const outside = mkdtempSync(join(tmpdir(), 'planes-outside-'));
    const path = join(outside, 'token.txt');
    const found = run(
      { 'compose.yaml': `services:\n  api:\n    image: api\n    secrets: [token]\nsecrets:\n  token:\n    file: ${path}\n` },
      { git: { commit: [] } },
    );
    expect(found.map(where)).toEqual(expected([{ file: 'compose.yaml', line: 7, column: 11, key: 'token', path: 'secrets.token.file' }]));
    expect(found[0]?.message).toMatch(/does not exist/);
  });
});
