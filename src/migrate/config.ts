/**
 * The config plane of the migrated project. The manifest has one value per setting, shared by
 * every service that reads config (they all get config/common.env), so a setting two services
 * give different values cannot be expressed, and a name env files cannot carry cannot either.
 */
import { COMMON_ENV_FILE, MANIFEST_FILE } from '../layout.js';
import { configKey } from '../manifest/index.js';
import { describeValue } from '../judge/index.js';
import type { ReviewItem, SettingRow } from './report.js';
import type { SourceSetting } from './source.js';

export interface ConfigSetting {
  setting: SourceSetting;
  reasons: string[];
}

export interface ConfigPlan {
  config: Record<string, string>;
  /** The config keys each service reads. */
  byService: Map<string, string[]>;
  rows: SettingRow[];
  reviews: ReviewItem[];
}

export function planConfig(settings: readonly ConfigSetting[]): ConfigPlan {
  const plan: ConfigPlan = { config: {}, byService: new Map(), rows: [], reviews: [] };
  const firstSetter = new Map<string, SourceSetting>();
  for (const { setting, reasons } of settings) {
    const row = { service: setting.service, key: setting.key, where: setting.where, reasons, value: describeValue(setting.value ?? '') };
    const leftOut = (why: string, level: ReviewItem['level']): void => {
      plan.rows.push({ ...row, plane: 'left out', lands: why });
      plan.reviews.push({ level, service: setting.service, where: setting.where, message: `${setting.key}: ${why}` });
    };
    if (setting.value === undefined) {
      leftOut(`the host does not set it here, so Compose leaves it out too; add it to config in ${MANIFEST_FILE} if the service needs it`, 'review');
      continue;
    }
    if (!configKey.safeParse(setting.key).success) {
      leftOut('the manifest takes config names of letters, digits, _ . and - only; this one cannot be carried', 'blocker');
      continue;
    }
    const first = firstSetter.get(setting.key);
    if (first !== undefined && plan.config[setting.key] !== setting.value) {
      leftOut(`${first.service} sets it to another value; the manifest has one value per config setting for all services`, 'blocker');
      continue;
    }
    if (first === undefined) {
      firstSetter.set(setting.key, setting);
      plan.config[setting.key] = setting.value;
    }
    plan.byService.set(setting.service, [...(plan.byService.get(setting.service) ?? []), setting.key]);
    plan.rows.push({ ...row, plane: 'config', lands: COMMON_ENV_FILE });
    if (setting.interpolated) {
      const from = setting.interpolated.sources.map((source) => `${source.file}:${source.line}`);
      plan.reviews.push({
        level: 'review',
        service: setting.service,
        where: setting.where,
        message: `${setting.key} was filled in from ${setting.interpolated.variables.map((name) => `\${${name}}`).join(', ')}${from.length > 0 ? ` (${from.join(', ')})` : ''}; config holds the value it had now: give it per environment in ${MANIFEST_FILE} if it differs`,
      });
    }
    if (setting.fromHost) {
      plan.reviews.push({ level: 'review', service: setting.service, where: setting.where, message: `${setting.key} was passed through from the host; config holds the value it had now` });
    }
  }
  return plan;
}

/** A config key that env files cannot carry for both Compose and docker stack: out of the plan, with a blocker. */
export function dropConfig(plan: ConfigPlan, key: string, problem: string): void {
  delete plan.config[key];
  for (const [service, keys] of plan.byService) plan.byService.set(service, keys.filter((other) => other !== key));
  for (const row of plan.rows) {
    if (row.key === key && row.plane === 'config') Object.assign(row, { plane: 'left out', lands: problem });
  }
  plan.reviews.push({ level: 'blocker', message: problem });
}
