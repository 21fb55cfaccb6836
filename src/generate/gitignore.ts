import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { displayPath, readTextFile } from '../fs/index.js';
import { GITIGNORE, SECRET_FILES_PATTERN } from '../layout.js';

const BLOCK = `# planes: secret files never leave this machine (the .example files are committed)\n${SECRET_FILES_PATTERN}\n`;

/**
 * The user owns .gitignore: planes only appends its entry when it is missing and leaves
 * every other line as it was.
 */
export function gitignoreWithSecrets(current: string | undefined): string {
  const text = current ?? '';
  if (text.split(/\r?\n/).some((line) => line.trim() === SECRET_FILES_PATTERN || line.trim() === `/${SECRET_FILES_PATTERN}`)) return text;
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  return `${text}${separator}${text === '' ? '' : '\n'}${BLOCK}`;
}

/** The project's .gitignore as it is, undefined when there is none; one planes cannot read as text is refused with its path. */
export function currentGitignore(root: string): string | undefined {
  const path = join(root, GITIGNORE);
  return existsSync(path) ? readTextFile(path, displayPath(process.cwd(), path)) : undefined;
}
