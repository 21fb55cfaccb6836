/**
 * Value-based secret detection (DESIGN.md §4 "What is a secret", value-based), whatever the
 * name: known credential formats, URLs and DSNs with a password, Authorization credentials,
 * secret-named keys inside a value (`password=…`, `"token": "…"`), crackable password hashes.
 * detectSettingCredentials adds what a setting's name tells about its value: a connection
 * string's password, and a generated-looking value (entropy.ts) where the name does not say
 * what the value is.
 *
 * Runs on every scalar of a compose file, so every regex is compiled once, every quantifier
 * is bounded or unambiguous, and each detector first checks for a literal keyword.
 */
import { Buffer } from 'node:buffer';
import { findGeneratedWords } from './entropy.js';
import { classifyName } from './names.js';
import { ScanCache } from './scan-cache.js';

export type CredentialSeverity = 'error' | 'warning';

export interface CredentialMatch {
  id: string;
  description: string;
  severity: CredentialSeverity;
  /** Offsets into the value of the credential itself (the password, not the whole URL); end exclusive. */
  start: number;
  end: number;
}

export interface CredentialFormat {
  id: string;
  description: string;
  severity: CredentialSeverity;
  /** Literal substrings one of which every match contains: a cheap test before the regex. */
  keywords: readonly string[];
  /** Global regex; when it has a capture group, group 1 is the credential. */
  pattern: RegExp;
}

/**
 * Known credential formats, one entry per format. Hashes are warnings: a crackable hash of a
 * password, not the password (leak case 31). Documented example values (AWS's
 * AKIAIOSFODNN7EXAMPLE) are placeholders and never match.
 */
export const CREDENTIAL_FORMATS: readonly CredentialFormat[] = [
  { id: 'aws-access-key-id', description: 'AWS access key ID', severity: 'error', keywords: ['AKIA', 'ASIA', 'ABIA', 'ACCA'], pattern: /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])/g },
  { id: 'aws-secret-access-key', description: 'AWS secret access key', severity: 'error', keywords: ['ecret_access_key', 'ECRET_ACCESS_KEY', 'ecretAccessKey'], pattern: /secret_?access_?key["']?[ \t]*[:=][ \t]*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/dgi },
  { id: 'github-token', description: 'GitHub token (personal, OAuth, app or refresh)', severity: 'error', keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], pattern: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,251}(?![A-Za-z0-9_])/g },
  { id: 'github-fine-grained-token', description: 'GitHub fine-grained personal access token', severity: 'error', keywords: ['github_pat_'], pattern: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{60,251}(?![A-Za-z0-9_])/g },
  { id: 'gitlab-personal-access-token', description: 'GitLab personal access token', severity: 'error', keywords: ['glpat-'], pattern: /(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_.-]{20,300}/g },
  { id: 'gitlab-token', description: 'GitLab deploy, runner, trigger, feed, agent, OAuth or SCIM token', severity: 'error', keywords: ['gldt-', 'glrt-', 'glptt-', 'glft-', 'glimt-', 'glagent-', 'gloas-', 'glsoat-', 'glffct-', 'glcbt-'], pattern: /(?<![A-Za-z0-9_-])(?:gldt|glrt|glptt|glft|glimt|glagent|gloas|glsoat|glffct|glcbt)-[A-Za-z0-9_.-]{20,300}/g },
  { id: 'gitlab-runner-registration-token', description: 'GitLab runner registration token', severity: 'error', keywords: ['GR1348941'], pattern: /GR1348941[A-Za-z0-9_-]{20,40}/g },
  { id: 'slack-token', description: 'Slack token', severity: 'error', keywords: ['xoxa-', 'xoxb-', 'xoxc-', 'xoxe', 'xoxo-', 'xoxp-', 'xoxr-', 'xoxs-'], pattern: /(?<![A-Za-z0-9])(?:xoxe\.)?xox[abceoprs]-[0-9]{1,20}-[A-Za-z0-9-]{8,250}/g },
  { id: 'slack-webhook', description: 'Slack incoming webhook URL', severity: 'error', keywords: ['hooks.slack.com/'], pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/+-]{20,250}/g },
  { id: 'discord-webhook', description: 'Discord webhook URL', severity: 'error', keywords: ['/api/webhooks/'], pattern: /https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/[0-9]{17,20}\/[A-Za-z0-9_-]{60,80}/g },
  { id: 'stripe-secret-key', description: 'Stripe secret or restricted key', severity: 'error', keywords: ['sk_live_', 'rk_live_', 'sk_test_', 'rk_test_'], pattern: /(?<![A-Za-z0-9_])[rs]k_(?:live|test)_[A-Za-z0-9]{16,247}(?![A-Za-z0-9_])/g },
  { id: 'stripe-webhook-secret', description: 'Stripe webhook signing secret', severity: 'error', keywords: ['whsec_'], pattern: /(?<![A-Za-z0-9_])whsec_[A-Za-z0-9+/=]{24,100}/g },
  { id: 'openai-api-key', description: 'OpenAI API key', severity: 'error', keywords: ['sk-'], pattern: /(?<![A-Za-z0-9_-])sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,250}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})(?![A-Za-z0-9_-])/g },
  { id: 'openrouter-api-key', description: 'OpenRouter API key', severity: 'error', keywords: ['sk-or-v1-'], pattern: /sk-or-v1-[a-f0-9]{64}/g },
  { id: 'anthropic-api-key', description: 'Anthropic API key', severity: 'error', keywords: ['sk-ant-'], pattern: /sk-ant-[a-z]{2,8}[0-9]{2}-[A-Za-z0-9_-]{32,250}/g },
  { id: 'npm-token', description: 'npm access token', severity: 'error', keywords: ['npm_'], pattern: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/g },
  { id: 'pypi-token', description: 'PyPI API token', severity: 'error', keywords: ['pypi-AgEIcHlwaS5vcmc'], pattern: /pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000}/g },
  { id: 'google-api-key', description: 'Google API key', severity: 'error', keywords: ['AIza'], pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g },
  { id: 'google-oauth-client-secret', description: 'Google OAuth client secret', severity: 'error', keywords: ['GOCSPX-'], pattern: /GOCSPX-[A-Za-z0-9_-]{28}/g },
  { id: 'google-oauth-access-token', description: 'Google OAuth access token', severity: 'error', keywords: ['ya29.'], pattern: /(?<![A-Za-z0-9_-])ya29\.[0-9A-Za-z_-]{20,2000}/g },
  { id: 'jwt', description: 'JSON Web Token', severity: 'error', keywords: ['eyJ'], pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,4000}\.eyJ[A-Za-z0-9_-]{5,8000}\.[A-Za-z0-9_-]{0,2000}(?![A-Za-z0-9_-])/g },
  { id: 'private-key', description: 'private key block', severity: 'error', keywords: ['PRIVATE KEY'], pattern: /-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----|$)/g },
  { id: 'age-secret-key', description: 'age secret key', severity: 'error', keywords: ['AGE-SECRET-KEY-1'], pattern: /AGE-SECRET-KEY-1[0-9A-Z]{58}/g },
  { id: 'sendgrid-api-key', description: 'SendGrid API key', severity: 'error', keywords: ['SG.'], pattern: /(?<![A-Za-z0-9_-])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g },
  { id: 'mailgun-api-key', description: 'Mailgun API key', severity: 'error', keywords: ['key-'], pattern: /(?<![A-Za-z0-9_-])key-[0-9a-f]{32}(?![A-Za-z0-9])/g },
  { id: 'digitalocean-token', description: 'DigitalOcean token', severity: 'error', keywords: ['_v1_'], pattern: /(?<![A-Za-z0-9_])do[opr]_v1_[a-f0-9]{64}(?![A-Za-z0-9])/g },
  { id: 'vault-token', description: 'HashiCorp Vault token', severity: 'error', keywords: ['hvs.', 'hvb.', 'hvr.'], pattern: /(?<![A-Za-z0-9_.])hv[sbr]\.[A-Za-z0-9_-]{24,500}/g },
  { id: 'terraform-cloud-token', description: 'Terraform Cloud / HCP Terraform token', severity: 'error', keywords: ['.atlasv1.'], pattern: /[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,200}/g },
  { id: 'huggingface-token', description: 'Hugging Face access token', severity: 'error', keywords: ['hf_'], pattern: /(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{34}(?![A-Za-z0-9_])/g },
  { id: 'shopify-token', description: 'Shopify access token or shared secret', severity: 'error', keywords: ['shpat_', 'shpca_', 'shppa_', 'shpss_'], pattern: /shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}/g },
  { id: 'docker-hub-token', description: 'Docker Hub access token', severity: 'error', keywords: ['dckr_pat_', 'dckr_oat_'], pattern: /dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,100}/g },
  { id: 'databricks-token', description: 'Databricks access token', severity: 'error', keywords: ['dapi'], pattern: /(?<![A-Za-z0-9])dapi[a-f0-9]{32}(?:-[0-9]{1,3})?(?![A-Za-z0-9])/g },
  { id: 'grafana-token', description: 'Grafana service account or Cloud token', severity: 'error', keywords: ['glsa_', 'glc_'], pattern: /(?<![A-Za-z0-9_])(?:glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,400}={0,2})/g },
  { id: 'sentry-token', description: 'Sentry auth token', severity: 'error', keywords: ['sntrys_', 'sntryu_'], pattern: /sntry[su]_[A-Za-z0-9+/=_-]{40,500}/g },
  { id: 'linear-api-key', description: 'Linear API key', severity: 'error', keywords: ['lin_api_'], pattern: /lin_api_[A-Za-z0-9]{40}/g },
  { id: 'postman-api-key', description: 'Postman API key', severity: 'error', keywords: ['PMAK-'], pattern: /PMAK-[a-f0-9]{24}-[a-f0-9]{34}/g },
  { id: 'supabase-token', description: 'Supabase personal access token', severity: 'error', keywords: ['sbp_'], pattern: /sbp_[a-f0-9]{40}/g },
  { id: 'doppler-token', description: 'Doppler token', severity: 'error', keywords: ['dp.'], pattern: /(?<![A-Za-z0-9_])dp\.(?:st|pt|ct|sa|scim|audit)\.[A-Za-z0-9_-]{40,200}/g },
  { id: 'new-relic-user-key', description: 'New Relic user API key', severity: 'error', keywords: ['NRAK-'], pattern: /NRAK-[A-Z0-9]{27}/g },
  { id: 'telegram-bot-token', description: 'Telegram bot token', severity: 'error', keywords: [':AA'], pattern: /(?<![0-9])[0-9]{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])/g },
  { id: 'azure-storage-key', description: 'Azure storage or Service Bus key in a connection string', severity: 'error', keywords: ['AccountKey=', 'SharedAccessKey='], pattern: /(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{40,100}={0,2})/dg },
  { id: 'apr1-hash', description: 'Apache MD5 (apr1) password hash', severity: 'warning', keywords: ['$apr1$'], pattern: /\$apr1\$[./0-9A-Za-z]{1,8}\$[./0-9A-Za-z]{22}/g },
  { id: 'md5-crypt-hash', description: 'MD5-crypt password hash', severity: 'warning', keywords: ['$1$'], pattern: /\$1\$[./0-9A-Za-z]{1,8}\$[./0-9A-Za-z]{22}/g },
  { id: 'bcrypt-hash', description: 'bcrypt password hash', severity: 'warning', keywords: ['$2'], pattern: /\$2[abxy]?\$[0-9]{2}\$[./A-Za-z0-9]{53}/g },
  { id: 'sha-crypt-hash', description: 'SHA-256/512-crypt password hash', severity: 'warning', keywords: ['$5$', '$6$'], pattern: /\$[56]\$(?:rounds=[0-9]{1,9}\$)?[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{43,86}/g },
  { id: 'argon2-hash', description: 'Argon2 password hash', severity: 'warning', keywords: ['$argon2'], pattern: /\$argon2(?:id|i|d)\$v=[0-9]{1,3}\$m=[0-9]{1,10},t=[0-9]{1,10},p=[0-9]{1,3}\$[A-Za-z0-9+/]{8,200}\$[A-Za-z0-9+/]{16,200}/g },
  { id: 'htpasswd-sha1-hash', description: 'htpasswd SHA-1 password hash', severity: 'warning', keywords: ['{SHA}'], pattern: /\{SHA\}[A-Za-z0-9+/]{27}=/g },
];

const CREDENTIAL_URL = { id: 'credential-url', description: 'URL with a password in it' } as const;
const MYSQL_DSN = { id: 'credential-dsn', description: 'DSN with a password in it (user:password@tcp(…))' } as const;
const AUTHORIZATION = { id: 'authorization-header', description: 'HTTP Authorization credentials' } as const;
const SECRET_ASSIGNMENT = { id: 'secret-assignment', description: 'secret-named key with a value inside the value (password=…)' } as const;

// The scheme may not start inside another word; the authority runs to the first `/` or
// whitespace, so a password holding `?`, `#` or `@` still counts, and `[^\s/]*` backtracks
// to the last `@` as URL parsers do.
const URL_AUTHORITY = /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/([^\s/]*)@/dg;
const GO_MYSQL_DSN = /(?<![^\s"'=])[^\s:@/"'=]{1,100}:([^\s@"']{1,200})@(?:tcp|unix)\(/dg;
const AUTHORIZATION_HEADER = /(?<![A-Za-z0-9_-])(?:proxy-)?authorization["']?[ \t]*[:=][ \t]*["']?(?:(basic|bearer|token|negotiate|apikey)[ \t]+)?([^\s"',;]+)/dgi;
const BARE_SCHEME_CREDENTIALS = /(?<![A-Za-z0-9_-])(basic|bearer)[ \t]+([A-Za-z0-9._~+/=-]{8,4096})(?![A-Za-z0-9._~+/=-])/dgi;
// An unquoted value stops at `,` too: mount options list `username=me,password=…`.
const KEY_VALUE = /(?<![A-Za-z0-9_.])([A-Za-z_][A-Za-z0-9_.-]{0,99})[ \t]*=(?!=)[ \t]*(?:"([^"\n]*)"|'([^'\n]*)'|([^\s;&,"']+))/dg;
const JSON_FIELD = /"([A-Za-z_][A-Za-z0-9_.-]{0,99})"[ \t\r\n]*:[ \t\r\n]*"((?:[^"\\\n]|\\.){0,4096})"/dg;
const AUTHORIZATION_SCHEMES = new Set(['basic', 'bearer', 'token', 'negotiate', 'apikey']);
const PORT_THEN_QUERY = /^[0-9]{1,5}(?:[?#]|$)/;

const ONLY_A_REFERENCE = /^(?:\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*)$/;

/** The shortest value any detector can match (`x://:p@h`). */
const MIN_CREDENTIAL_LENGTH = 8;

const valueScans = new ScanCache<readonly CredentialMatch[]>();
const settingScans = new ScanCache<readonly CredentialMatch[]>();

/** Finds credentials in a value, whatever its name. Matches are sorted and never overlap; the array is the caller's. */
export function detectCredentials(value: string): CredentialMatch[] {
  if (value.length < MIN_CREDENTIAL_LENGTH) return [];
  return [...valueScans.get(value, () => scanCredentials(value))];
}

function scanCredentials(value: string): CredentialMatch[] {
  const matches: CredentialMatch[] = [];
  for (const format of CREDENTIAL_FORMATS) {
    if (!format.keywords.some((keyword) => value.includes(keyword))) continue;
    for (const span of regexSpans(format.pattern, value)) {
      if (looksLikePlaceholder(value.slice(span.start, span.end))) continue;
      addUnlessOverlapping(matches, { id: format.id, description: format.description, severity: format.severity, ...span });
    }
  }
  for (const slot of passwordSlots(value)) {
    const password = value.slice(slot.start, slot.end);
    // `postgres://app:${DB_PASSWORD}@db` as the container sees it: the name of a secret, not one.
    if (DOCUMENTED_EXAMPLES.has(password) || ONLY_A_REFERENCE.test(password)) continue;
    // A placeholder in a password slot still marks where a secret goes (leak case 11).
    if (looksLikePlaceholder(password)) slot.severity = 'warning';
    addUnlessOverlapping(matches, slot);
  }
  return matches.sort((a, b) => a.start - b.start);
}

const GENERATED_VALUE = { id: 'generated-secret', description: 'generated-looking value (long, random, letters and digits mixed)' } as const;
const CONNECTION_USERINFO = { id: 'credential-connection-string', description: 'connection string with a password in it (user:password@host)' } as const;

/**
 * What a setting's value holds, its name known: every credential detectCredentials finds; a
 * password in a connection string the name announces, also without a scheme
 * (`DB_DSN=app:pw@db/app`, Oracle's `app/pw@db`, ODBC's `PWD=pw`); and, unless the name says
 * what the value is (GIT_SHA, IMAGE_DIGEST, CLIENT_ID), a generated-looking value. The last is
 * a warning: randomness suggests a key, only a name or a format says so.
 */
export function detectSettingCredentials(name: string, value: string): CredentialMatch[] {
  if (value.length < MIN_CREDENTIAL_LENGTH) return [];
  // All the name adds is whether it announces a connection string and whether it says what its value is.
  const { connection, describesValue } = classifyName(name);
  const key = `${connection ? 'c' : '-'}${describesValue ? 'd' : '-'}${value}`;
  return [...settingScans.get(key, () => scanSetting(value, connection, describesValue))];
}

function scanSetting(value: string, connection: boolean, describesValue: boolean): CredentialMatch[] {
  const matches = detectCredentials(value);
  if (connection) {
    for (const slot of connectionPasswordSlots(value)) {
      const password = value.slice(slot.start, slot.end);
      if (DOCUMENTED_EXAMPLES.has(password) || ONLY_A_REFERENCE.test(password)) continue;
      if (looksLikePlaceholder(password)) slot.severity = 'warning';
      addUnlessOverlapping(matches, slot);
    }
  }
  if (!describesValue) {
    for (const span of findGeneratedWords(value)) {
      if (!looksLikePlaceholder(value.slice(span.start, span.end))) addUnlessOverlapping(matches, { ...GENERATED_VALUE, severity: 'warning', ...span });
    }
  }
  return matches.sort((a, b) => a.start - b.start);
}

/** Passwords only a connection string's name reveals: userinfo without a scheme, ODBC's PWD. */
function connectionPasswordSlots(value: string): CredentialMatch[] {
  const slots: CredentialMatch[] = [];
  const at = value.lastIndexOf('@');
  if (at > 0 && !value.includes('://') && !/\s/.test(value) && value.length > at + 1) {
    const userinfo = value.slice(0, at);
    // `jdbc:oracle:thin:app/pw@db`, `app/pw@db` (Oracle); otherwise `app:pw@db:5432/app`.
    const lastColon = userinfo.lastIndexOf(':');
    const slash = userinfo.indexOf('/', lastColon + 1);
    const separator = slash >= 0 ? slash : userinfo.indexOf(':');
    if (separator >= 0 && separator < userinfo.length - 1) slots.push({ ...CONNECTION_USERINFO, severity: 'error', start: separator + 1, end: at });
  }
  if (/pwd/i.test(value)) {
    for (const match of execAll(KEY_VALUE, value)) {
      if ((match[1] as string).toLowerCase() !== 'pwd') continue;
      const group = match[2] !== undefined ? 2 : match[3] !== undefined ? 3 : 4;
      const [start, end] = groupSpan(match, group);
      if (end > start) slots.push({ ...CONNECTION_USERINFO, severity: 'error', start, end });
    }
  }
  return slots;
}

/** Places where a value holds a password of any shape: only its position says it is one. */
function passwordSlots(value: string): CredentialMatch[] {
  const slots: CredentialMatch[] = [];
  const slot = (kind: { id: string; description: string }, start: number, end: number): void => {
    slots.push({ ...kind, severity: 'error', start, end });
  };
  if (value.includes('://') && value.includes('@')) {
    for (const match of execAll(URL_AUTHORITY, value)) {
      const [userinfoStart] = groupSpan(match, 1);
      const userinfo = match[1] as string;
      const colon = userinfo.indexOf(':');
      if (colon < 0 || /[?#[\]]/.test(userinfo.slice(0, colon))) continue;
      const password = userinfo.slice(colon + 1);
      if (password === '' || PORT_THEN_QUERY.test(password)) continue;
      slot(CREDENTIAL_URL, userinfoStart + colon + 1, userinfoStart + userinfo.length);
    }
  }
  if (value.includes('@tcp(') || value.includes('@unix(')) {
    for (const match of execAll(GO_MYSQL_DSN, value)) slot(MYSQL_DSN, ...groupSpan(match, 1));
  }
  if (value.includes('uthorization') || value.includes('UTHORIZATION')) {
    for (const match of execAll(AUTHORIZATION_HEADER, value)) {
      if (match[1] === undefined && AUTHORIZATION_SCHEMES.has((match[2] as string).toLowerCase())) continue;
      slot(AUTHORIZATION, ...groupSpan(match, 2));
    }
  }
  if (['asic ', 'ASIC ', 'earer ', 'EARER '].some((keyword) => value.includes(keyword))) {
    for (const match of execAll(BARE_SCHEME_CREDENTIALS, value)) {
      const credentials = match[2] as string;
      const plausible = (match[1] as string).toLowerCase() === 'basic' ? isBasicCredentials(credentials) : isBearerToken(credentials);
      if (plausible) slot(AUTHORIZATION, ...groupSpan(match, 2));
    }
  }
  if (value.includes('=')) {
    for (const match of execAll(KEY_VALUE, value)) {
      const group = match[2] !== undefined ? 2 : match[3] !== undefined ? 3 : 4;
      if (isSecretAssignment(match[1] as string, match[group] as string)) slot(SECRET_ASSIGNMENT, ...groupSpan(match, group));
    }
  }
  if (value.includes('"') && value.includes(':')) {
    for (const match of execAll(JSON_FIELD, value)) {
      if (isSecretAssignment(match[1] as string, match[2] as string)) slot(SECRET_ASSIGNMENT, ...groupSpan(match, 2));
    }
  }
  return slots;
}

function isSecretAssignment(key: string, value: string): boolean {
  return value !== '' && !isHarmlessValue(value) && !looksLikeFilePath(value) && classifyName(key).secret;
}

function isBasicCredentials(encoded: string): boolean {
  const decoded = Buffer.from(encoded, 'base64').toString('latin1');
  return decoded.includes(':') && /^[\x20-\x7e]+$/.test(decoded);
}

// A prose "Bearer authentication" is not a token: tokens mix letters and digits.
function isBearerToken(token: string): boolean {
  return token.length >= 16 && /[0-9]/.test(token) && /[A-Za-z]/.test(token);
}

function execAll(pattern: RegExp, value: string): RegExpExecArray[] {
  pattern.lastIndex = 0;
  const found: RegExpExecArray[] = [];
  // Every pattern consumes at least one character, so exec always advances.
  for (let match = pattern.exec(value); match; match = pattern.exec(value)) found.push(match);
  return found;
}

function groupSpan(match: RegExpExecArray, group: number): [number, number] {
  const span = match.indices?.[group];
  if (!span) throw new Error(`capture group ${group} did not take part in the match`);
  return span;
}

function regexSpans(pattern: RegExp, value: string): Array<{ start: number; end: number }> {
  return execAll(pattern, value).map((match) => {
    if (match.indices?.[1]) {
      const [start, end] = match.indices[1];
      return { start, end };
    }
    return { start: match.index, end: match.index + match[0].length };
  });
}

function addUnlessOverlapping(matches: CredentialMatch[], candidate: CredentialMatch): void {
  if (matches.some((match) => candidate.start < match.end && match.start < candidate.end)) return;
  matches.push(candidate);
}

/** Example values published by AWS in its documentation. */
const DOCUMENTED_EXAMPLES: ReadonlySet<string> = new Set([
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'AKIAI44QH8DHBEXAMPLE',
  'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
]);

/** Whole values that only stand in for a secret (compared lower-case). */
const PLACEHOLDER_VALUES: ReadonlySet<string> = new Set([
  'changeme', 'change-me', 'change_me', 'changeit', 'example', 'placeholder', 'dummy', 'sample',
  'redacted', 'todo', 'tbd', 'fixme', 'notset', 'not-set', 'fake', 'replaceme', 'replace-me',
]);

const PLACEHOLDER_WORDS = ['example', 'placeholder', 'dummy', 'sample', 'redacted', 'fixme', 'changeme', 'changeit', 'replaceme'];

function inThreeCasings(words: readonly string[]): string {
  return words.flatMap((word) => [word, word.toUpperCase(), word.charAt(0).toUpperCase() + word.slice(1)]).join('|');
}

/**
 * Marks of a placeholder inside a longer value. Case-sensitive on purpose (three casings, not
 * `/i`): they also run on the body of long random tokens, where a case-insensitive `your` or
 * `xxx` would turn up by chance and silence a real finding. Weak-but-working values
 * (`password`, `secret`, `postgres`, `test`) are not placeholders: they would open the door.
 */
const PLACEHOLDER_MARKS: readonly RegExp[] = [
  /^<[^<>]*>$/, // <your-token>
  /^\[[^[\]]*\]$/, // [REDACTED]
  /^\{\{[\s\S]*\}\}$/, // {{ .Values.token }}
  /^(.)\1*$/, // x, ***, ...
  /([xX*#.])\1{5,}/, // ghp_xxxxxxxx…
  /(?<![A-Za-z0-9])(?:xxx+|XXX+|\*\*\*+|\.\.\.+|…)(?![a-z0-9])/, // sk-xxxx
  new RegExp(`(?<![A-Za-z])(?:${inThreeCasings(['your'])})`), // your-key-here, YOUR_TOKEN, sk-your-key
  new RegExp(`(?<![A-Za-z])(?:${inThreeCasings(['my'])})[-_ .]?(?:${inThreeCasings(['secret', 'password', 'passwd', 'pass', 'token', 'key', 'api'])})`), // mysecretpassword
  new RegExp(`(?<![A-Za-z])(?:${inThreeCasings(PLACEHOLDER_WORDS)})(?![a-z])`), // sk-example-key
  new RegExp(`(?<![A-Za-z])(?:${inThreeCasings(['change', 'replace'])})[-_ .](?:me|ME|it|IT|this|THIS)(?![a-z])`), // change_me
  new RegExp(`(?<![A-Za-z])(?:${inThreeCasings(['here'])})$`), // key-here, TOKEN_HERE
];

/**
 * Whether a value only stands in for a secret (`changeme`, `<token>`, AWS's documented example
 * key). A value that holds a credential is no stand-in, whatever else it holds: the password of
 * `https://admin:pw@host.example.com` is real, though the host is an example.
 */
export function isPlaceholder(value: string): boolean {
  return looksLikePlaceholder(value) && !detectCredentials(value).some((match) => match.severity === 'error');
}

/** Whether a value bears the marks of a stand-in; for a credential itself, the only test. */
function looksLikePlaceholder(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed === '') return false;
  if (DOCUMENTED_EXAMPLES.has(trimmed) || PLACEHOLDER_VALUES.has(trimmed.toLowerCase())) return true;
  return PLACEHOLDER_MARKS.some((pattern) => pattern.test(trimmed));
}

const BOOLEAN_WORDS: ReadonlySet<string> = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n', 'enabled', 'disabled']);

/**
 * Values that are never a credential whatever the name (DESIGN.md §4 "Not an error"): a flag,
 * a limit, a path under /run/secrets, a reference to a secret manager. Numbers stop at six
 * digits: a TTL or a length, where a longer one could be a PIN or an account number.
 */
const HARMLESS_PATTERNS: readonly RegExp[] = [
  /^[+-]?[0-9]{1,6}(?:\.[0-9]{1,6})?$/, // 3600, 0.5
  /^[0-9]{1,6}(?:ms|s|m|h|d|w)$/i, // 15m, 24h
  /^\/(?:var\/)?run\/secrets(?:\/\S*)?$/, // /run/secrets/db_password
  /^arn:aws(?:-[a-z]+)*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{0,12}:\S+$/, // arn:aws:secretsmanager:…
  /^alias\/[\w/.-]+$/, // KMS key alias
  /^vault:(?:\/\/)?[\w./-]+(?:#[\w.-]+)?$/, // vault:secret/data/app#password
  /^(?:secret|kv)\/[\w./-]+(?:#[\w.-]+)?$/, // Vault KV path
  /^op:\/\/[^\s/]+\/[^\s/]+(?:\/[^\s/]+){1,2}$/, // 1Password secret reference
  /^projects\/[\w-]+\/secrets\/[\w-]+(?:\/versions\/(?:[0-9]+|latest))?$/, // Google Secret Manager
  /^@Microsoft\.KeyVault\([^()]+\)$/, // Azure App Service Key Vault reference
  /^https:\/\/[\w-]+\.vault\.azure\.net\/secrets\/[\w-]+(?:\/[0-9a-f]{32})?\/?$/, // Azure Key Vault secret URI
  /^\/aws\/reference\/secretsmanager\/\S+$/, // SSM parameter referencing Secrets Manager
  /^null$/i, // Laravel's and Symfony's .env word for "none" (MAIL_PASSWORD=null)
  /^(?:\{\s*\}|\[\s*\])$/, // an empty JSON object or list
];

/** Whether a value cannot be a credential: empty, a boolean, a small number, a secret reference. */
export function isHarmlessValue(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed === '') return true;
  return BOOLEAN_WORDS.has(trimmed.toLowerCase()) || HARMLESS_PATTERNS.some((pattern) => pattern.test(trimmed));
}

// `+` and `=` are left out: they mark base64, and a base64 secret may well start with `/`.
const FILE_PATH = /^(?:\/|\.{1,2}\/|~\/|[A-Za-z]:[\\/])[\w.\-/\\ @:~,]*$/;

/** Whether a value looks like a file path, as a `*_FILE` variable must hold (leak cases 6, 7). */
export function looksLikeFilePath(value: string): boolean {
  return FILE_PATH.test(value) && !value.endsWith(' ');
}
