/**
 * Which plane a setting belongs to, and why. "Is this a secret" is the checker's judgement
 * (judgeSetting), so that a migrated project passes `planes check` by construction; the
 * reasons shown to the user are the facts of its verdict.
 */
import { classifyName, isHarmlessValue, isPlaceholder, judgeSetting, type SettingVerdict, verdictHeadline } from '../judge/index.js';
import type { SourceSetting } from './source.js';

export type Classification =
  | { plane: 'config'; reasons: string[]; notes: string[] }
  | { plane: 'secret'; reasons: string[]; notes: string[] }
  /** The path of a secret file: the variable becomes the `env` of that secret's mount. */
  | { plane: 'secret-path'; target: string; reasons: string[]; notes: string[] };

const RUN_SECRETS_PATH = /^\/(?:var\/)?run\/secrets\/([^/]+)$/;

export function classify(setting: SourceSetting): Classification {
  const name = classifyName(setting.key);
  const value = setting.value ?? '';
  const path = RUN_SECRETS_PATH.exec(value);
  if (path && setting.place !== 'build-arg') {
    const why = name.expectsPath ? `*_FILE convention: ${setting.key} names the file of a secret` : `holds the path of the secret file /run/secrets/${path[1]}`;
    return { plane: 'secret-path', target: path[1] as string, reasons: [why], notes: [] };
  }

  const verdict = judgeSetting(setting.judged);
  // A secret name holding no secret now (empty, a flag, a limit) still makes a secret slot: the manifest allows no secret-named config.
  if (verdict === undefined && !name.secret) return { plane: 'config', reasons: [configReason(name.reason)], notes: [] };
  const reasons = verdict === undefined ? [`name rule: ${name.reason}`] : verdictReasons(setting.key, verdict);

  const notes: string[] = [];
  if (setting.value === undefined) notes.push(`${setting.key} has no value here (the host does not set it): provide the secret file before starting`);
  else if (value === '' || isHarmlessValue(value)) notes.push(`${setting.key} holds no secret now (empty, a flag or a limit), but its name says it is one: kept in the secret plane, as the manifest allows no secret-named config`);
  else if (isPlaceholder(value)) notes.push(`${setting.key} holds a placeholder: put the real secret in the secret file`);
  return { plane: 'secret', reasons, notes };
}

/** Why the checker calls it a secret: its name, the credentials in its value, or else what it found. */
function verdictReasons(key: string, verdict: SettingVerdict): string[] {
  const { nameRule } = verdict;
  const reasons = [
    ...(nameRule?.says === 'secret' ? [`name rule: ${nameRule.reason}`] : []),
    ...verdict.credentialFormats.map((format) => `value detector: ${format}`),
    ...(nameRule?.says === 'secret-file' ? [`*_FILE convention: ${key} should hold a path, and holds the secret itself`] : []),
  ];
  if (reasons.length > 0) return reasons;
  return [`checker: ${verdict.severity === 'error' ? 'a secret' : 'a secret slot'} (${verdictHeadline(verdict)})`];
}

function configReason(nameReason: string): string {
  return nameReason === 'no secret word' ? 'no secret in its name or value' : `not a secret: ${nameReason}`;
}
