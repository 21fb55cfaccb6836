/**
 * The secret judgement: whether a setting, a command line or a config puts a secret where none
 * may go, as a structured verdict; the messages rendered from verdicts; and the detectors it
 * rests on. check, migrate and audit all judge through here, so that they agree on what a
 * secret is.
 */
export { judgeSetting } from './judge-setting.js';
export { judgeCommandLine } from './judge-command-line.js';
export { judgeConfigText, judgeConfigVariable } from './judge-config.js';
export { judgeComposeEntry, writtenIn } from './compose-entry.js';
export { dockerfileSetting } from './dockerfile-entry.js';
export { isDistinctiveSecret, KnownSecretValues, PrefixIndex } from './known-secrets.js';
export { secretId, verdictHeadline, verdictMessage, verdictProblem } from './message.js';
export type {
  CommandLine,
  JudgeOptions,
  KnownSecretMatch,
  Place,
  Setting,
  SettingVerdict,
  Verdict,
  VerdictKind,
  Written,
} from './verdict.js';
// The detectors the judgement rests on, for the modules above that judge through here.
export { classifyName, describeValue, detectCredentials, isHarmlessValue, isPlaceholder, looksLikeFilePath } from '../redact/index.js';
export { detectPasswordArguments } from './command-line.js';
