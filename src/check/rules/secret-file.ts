import { existsSync, statSync, type Stats } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { type ComposeOrigin, formatComposePath, originOf, shownEntry } from '../../compose/index.js';
import type { SourcePosition } from '../../errors.js';
import { readTextFile } from '../../fs/index.js';
import { GITIGNORE, SECRET_FILES_PATTERN, SECRETS_DIR } from '../../layout.js';
import type { Severity } from '../../report/index.js';
import type { CheckContext, Rule, RuleFinding } from '../rule.js';

/**
 * The files behind `secrets: <name>: file:` — the secret plane on disk. Each must stay out of git
 * (neither tracked nor committable) and be readable by its owner alone, and exist — unless it
 * has not been made yet: a file git ignores, beside its committed example, is what every fresh
 * clone has before `planes setup`, so the lint step of CI gets a note, not an error. Only the
 * file's metadata is looked at: a secret file's content is never read.
 */
export const secretFileRule: Rule = {
  id: 'secret-file',
  description: 'a secret file that is missing, tracked by git, not ignored by git, or open to group or others',
  severity: 'error',
  check(context) {
    const secrets = fileSecrets(context);
    if (secrets.length === 0) return [];
    const git = gitStatus(context.project.workingDir, secrets.map(({ path }) => path));
    const findings: RuleFinding[] = [];
    for (const secret of secrets) {
      const report = (message: string, severity?: Severity): void => {
        findings.push({
          ...secret.position,
          ...(severity === undefined ? {} : { severity }),
          service: null,
          key: secret.name,
          path: formatComposePath(['secrets', secret.name, 'file']),
          message,
        });
      };
      const shown = shownEntry(context.display(secret.path), secret.origin);
      const status = git?.get(secret.path);
      const stats = statOf(secret.path);
      if (stats === undefined) {
        const example = `${secret.path}.example`;
        const ignored = git === undefined ? ignoredByPlanesPattern(secret.path, context) : status?.ignored === true && !status.tracked;
        if (ignored && statOf(example)?.isFile() === true) {
          const shownExample = shownEntry(context.display(example), secret.origin);
          const make = context.manifest ? 'planes setup creates it' : `create it from ${shownExample} (chmod 600 ${shown})`;
          report(`${shown}, the file of secret ${secret.name}, does not exist yet; ${make} (git ignores it, its example is there)`, 'note');
        } else {
          report(`${shown}, the file of secret ${secret.name}, does not exist; ${context.manifest ? 'run planes setup' : `create it (chmod 600 ${shown}) and keep it out of git`}`);
        }
      } else if (process.platform !== 'win32' && (stats.mode & 0o077) !== 0) {
        const mode = (stats.mode & 0o777).toString(8).padStart(3, '0');
        report(`${shown}, the file of secret ${secret.name}, is open to group or others (mode ${mode}); chmod 600 ${shown}`, 'warning');
      }
      if (status?.tracked) {
        const unignore = status.ignored ? '' : ' and add it to .gitignore';
        report(`${shown}, the file of secret ${secret.name}, is tracked by git, so its value is in the repository's history: rotate the secret, then git rm --cached ${shown}${unignore}`);
      } else if (status !== undefined && !status.ignored) {
        report(`${shown}, the file of secret ${secret.name}, is not ignored by git, so it is one git add away from a commit: add it to .gitignore`);
      }
    }
    return findings;
  },
};

interface FileSecret {
  name: string;
  /** Absolute, as Compose resolves it. */
  path: string;
  /** The `file:` value. */
  position: SourcePosition;
  /** How the `file:` was written: messages hide a path filled in from a secret-named variable. */
  origin: ComposeOrigin | undefined;
}

function fileSecrets(context: CheckContext): FileSecret[] {
  const defined = context.project.model['secrets'];
  if (defined === null || typeof defined !== 'object' || Array.isArray(defined)) return [];
  const secrets: FileSecret[] = [];
  for (const [name, definition] of Object.entries(defined as Record<string, unknown>)) {
    if (definition === null || typeof definition !== 'object') continue;
    const path = (definition as Record<string, unknown>)['file'];
    // A template names the secrets it is built from and holds none: it is committed like any config.
    if (typeof path !== 'string' || (definition as Record<string, unknown>)['template_driver'] !== undefined) continue;
    const origin = originOf(definition, 'file');
    secrets.push({ name, path, position: origin?.value ?? { file: context.project.files[0] ?? '.', line: 1, column: 1 }, origin });
  }
  return secrets;
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

interface GitStatus {
  tracked: boolean;
  ignored: boolean;
}

/**
 * What git says of each file inside the work tree of `directory`, in three git runs whatever the
 * number of files; undefined when `directory` is not in a work tree or git cannot tell. Files
 * outside the work tree get no entry.
 */
function gitStatus(directory: string, paths: string[]): Map<string, GitStatus> | undefined {
  if (!mayBeInWorkTree(directory)) return undefined;
  const where = git(directory, ['rev-parse', '--show-toplevel', '--show-prefix']);
  if (where === undefined) return undefined;
  const [top, prefix = ''] = where.split('\n');
  if (top === undefined || top === '') return undefined;
  // Paths relative to the top of the work tree, computed from the project directory's own prefix
  // so that a symbolic link on the way to the work tree (/tmp → /private/tmp) does not matter.
  const inTree = new Map<string, string>();
  for (const path of new Set(paths)) {
    const fromTop = posix.normalize(prefix + relative(directory, path).split(sep).join('/'));
    if (fromTop !== '..' && !fromTop.startsWith('../')) inTree.set(path, fromTop);
  }
  if (inTree.size === 0) return new Map();
  const names = [...inTree.values()];
  // A file name with * or [ in it is a name here, not a pattern.
  const listed = git(top, ['--literal-pathspecs', 'ls-files', '-z', '--', ...names]);
  const ignoredList = git(top, ['check-ignore', '-z', '--stdin', '--no-index'], names.join('\0'), [0, 1]);
  if (listed === undefined || ignoredList === undefined) return undefined;
  const tracked = new Set(listed.split('\0'));
  const ignored = new Set(ignoredList.split('\0'));
  return new Map([...inTree].map(([path, name]) => [path, { tracked: tracked.has(name), ignored: ignored.has(name) }]));
}

/**
 * Whether git would ignore a secret file, told without git (no git installed, or a copy of the
 * project that is not a work tree: a source archive, a build context): only the line that
 * `planes generate` writes into the project's .gitignore counts. Anything it cannot tell from
 * that line is "not ignored", which keeps a missing file an error.
 */
function ignoredByPlanesPattern(path: string, context: CheckContext): boolean {
  const root = context.manifest?.root ?? context.project.workingDir;
  const fromRoot = relative(root, path).split(sep).join('/');
  if (!PLANES_SECRET_FILE.test(fromRoot)) return false;
  const gitignore = join(root, GITIGNORE);
  if (statOf(gitignore)?.isFile() !== true) return false;
  let lines: string[];
  try {
    lines = readTextFile(gitignore, context.display(gitignore)).split(/\r?\n/).map((line) => line.trim());
  } catch {
    return false;
  }
  return lines.includes(SECRET_FILES_PATTERN) || lines.includes(`/${SECRET_FILES_PATTERN}`);
}

/** The files SECRET_FILES_PATTERN matches: in a .gitignore, `*` does not cross a `/`. */
const PLANES_SECRET_FILE = new RegExp(`^${SECRETS_DIR}/[^/]*\\.txt$`);

/** No `.git` above the directory (and no GIT_DIR): not in a work tree, and no git to start. */
function mayBeInWorkTree(directory: string): boolean {
  if (process.env.GIT_DIR !== undefined) return true;
  for (let at = resolve(directory); ; at = dirname(at)) {
    if (existsSync(join(at, '.git'))) return true;
    if (dirname(at) === at) return false;
  }
}

/**
 * Runs git on a project that may not be the user's own: no fsmonitor hook it configures runs.
 * child_process is loaded here, the first time git runs: a check without secret files never
 * compiles it (scripts/build.mjs says what that saves).
 */
function git(directory: string, args: string[], input?: string, success: number[] = [0]): string | undefined {
  const result = process.getBuiltinModule('node:child_process').spawnSync('git', ['-c', 'core.fsmonitor=false', '-C', directory, ...args], {
    encoding: 'utf8',
    ...(input === undefined ? { stdio: ['ignore', 'pipe', 'ignore'] } : { input, stdio: ['pipe', 'pipe', 'ignore'] }),
  });
  if (result.error !== undefined || result.status === null || !success.includes(result.status)) return undefined;
  return result.stdout;
}
