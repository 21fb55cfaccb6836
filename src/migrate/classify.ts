/**
 * Which plane a setting belongs to, and why. "Is this a secret" is the checker's judgement
 * (judgeSetting), so that a migrated project passes `planes check` by construction; the
 * reasons shown to the user come from the detectors the judgement rests on.
 */
import { classifyName, detectCredentials, isHarmlessValue, isPlaceholder, judgeSetting } from '../judge/index.js';
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
  if (verdict === undefined && !name.secret) return { plane: 'config', reasons: [configReason(setting)], notes: [] };

  const reasons: string[] = [];
  const notes: string[] = [];
  if (name.secret) reasons.push(`name rule: ${name.reason}`);
  for (const match of detectCredentials(value).filter((m) => m.severity === 'error')) reasons.push(`value detector: ${match.description}`);
  if (name.expectsPath) reasons.push(`*_FILE convention: ${setting.key} should hold a path, and holds the secret itself`);
  if (reasons.length === 0 && verdict !== undefined) reasons.push(`checker: ${verdict.severity === 'error' ? 'a secret' : 'a secret slot'} (${verdictKind(verdict.message)})`);

  if (setting.value === undefined) notes.push(`${setting.key} has no value here (the host does not set it): provide the secret file before starting`);
  else if (value === '' || isHarmlessValue(value)) notes.push(`${setting.key} holds no secret now (empty, a flag or a limit), but its name says it is one: kept in the secret plane, as the manifest allows no secret-named config`);
  else if (isPlaceholder(value)) notes.push(`${setting.key} holds a placeholder: put the real secret in the secret file`);
  return { plane: 'secret', reasons, notes };
}

function configReason(setting: SourceSetting): string {
  const name = classifyName(setting.key);
  return name.reason === 'no secret word' ? 'no secret in its name or value' : `not a secret: ${name.reason}`;
}

// The checker's message names what it saw before the first parenthesis or colon; that is enough for a reason.
function verdictKind(message: string): string {
  return message.split(/[(:;]/)[0]?.trim() ?? message;
}
