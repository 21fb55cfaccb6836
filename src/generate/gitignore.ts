import { SECRETS_DIR } from './compose.js';

export const GITIGNORE = '.gitignore';
const IGNORED_SECRETS = `${SECRETS_DIR}/*.txt`;
const BLOCK = `# planes: secret files never leave this machine (the .example files are committed)\n${IGNORED_SECRETS}\n`;

/**
 * The user owns .gitignore: planes only appends its entry when it is missing and leaves
 * every other line as it was.
 */
export function gitignoreWithSecrets(current: string | undefined): string {
  const text = current ?? '';
  if (text.split(/\r?\n/).some((line) => line.trim() === IGNORED_SECRETS || line.trim() === `/${IGNORED_SECRETS}`)) return text;
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  return `${text}${separator}${text === '' ? '' : '\n'}${BLOCK}`;
}
