/**
 * The secret judgement: whether a setting, a value or a command line puts a secret where none
 * may go, as a structured verdict, and the detectors it rests on. check, migrate and audit all
 * judge through here, so that they agree on what a secret is.
 */
export {
  composeSetting,
  judgeCommandLine,
  judgeSetting,
  secretId,
  writtenIn,
  type CommandLine,
  type CommandVerdict,
  type Place,
  type Setting,
  type Verdict,
  type Written,
} from './setting.js';
export { classifyName, type NameVerdict } from './names.js';
export { detectCredentials, isHarmlessValue, isPlaceholder, looksLikeFilePath, type CredentialMatch } from './values.js';
export { detectPasswordArguments, type CommandLineMatch } from './command-line.js';
export { describeValue } from './redact.js';
