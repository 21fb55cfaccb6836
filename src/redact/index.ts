/**
 * The one redaction path: what in a text may be a secret — a secret-named variable, a value in
 * a known credential format — and the only ways anything planes prints or writes outside
 * secrets/ shows a value (DESIGN.md §6). It sits below the compose loader so that the loader's
 * own messages go through it too; the judgement (src/judge) rests on the same detectors.
 */
export { classifyName, splitNameWords, type NameVerdict } from './names.js';
export {
  CREDENTIAL_FORMATS,
  detectCredentials,
  detectSettingCredentials,
  isHarmlessValue,
  isPlaceholder,
  looksLikeFilePath,
  type CredentialMatch,
  type CredentialSeverity,
} from './values.js';
export { describeValue, redact } from './describe.js';
export { maskCredentials, showValue } from './shown.js';
export { ScanCache } from './scan-cache.js';
