import { describe, expect, it } from 'vitest';
import { interpolate } from '../../src/compose/interpolate.js';
import type { EnvSource } from '../../src/compose/index.js';
import type { Severity } from '../../src/report/finding.js';
import {
  judgeCommandLine,
  judgeConfigText,
  judgeConfigVariable,
  judgeSetting,
  verdictHeadline,
  verdictMessage,
  type JudgeOptions,
  type Place,
  type Setting,
  type Verdict,
  type VerdictKind,
} from '../../src/judge/index.js';
import { leaks } from '../check/rules/secret-table.js';

/** The secret of every row: no verdict field and no message may show it, even in part. */
const CANARY = 'Canary7Qz9Wv3Lp0Xr';
const CANARY_SHOWN = 'Ca***********Xr, 18 chars';
const CANARY_TOKEN = `ghp_${CANARY}${CANARY}`;
const CANARY_URL = `postgres://app:${CANARY}@db/app`;

const PASSWORD_RULE = '"password": a password';
const TOKEN_RULE = '"token": a token (GITHUB_TOKEN, ACCESS_TOKEN)';
const GITHUB_FORMAT = 'GitHub token (personal, OAuth, app or refresh)';
const URL_FORMAT = 'URL with a password in it';

const ENV = (line: number): EnvSource => ({ file: '.env', line });

/** A value written as `template`, interpolated as Compose would with `variables` set. */
function written(place: Place, name: string, template: string, variables: Record<string, string> = {}, sources: Record<string, EnvSource> = {}): Setting {
  const { value, references } = interpolate(template, (variable) => variables[variable]);
  return { place, name, value, written: { template, references, sources } };
}

interface Row {
  name: string;
  verdict: () => Verdict | undefined;
  kind: VerdictKind;
  severity: Severity;
  reason: string;
  /** undefined: the verdict must have none. */
  evidence: string | undefined;
  /** The headline a reader (and migrate) sees first. */
  headline: string;
}

const known: JudgeOptions = { knownSecret: (value) => (value === CANARY ? 'db_password' : undefined) };

const ROWS: Row[] = [
  {
    name: 'a secret-named literal',
    verdict: () => judgeSetting({ place: 'environment', name: 'DB_PASSWORD', value: CANARY }),
    kind: 'secret-named-literal',
    severity: 'error',
    reason: PASSWORD_RULE,
    evidence: CANARY_SHOWN,
    headline: 'DB_PASSWORD holds a secret',
  },
  {
    name: 'a secret-named ARG with the secret as its default',
    verdict: () => judgeSetting({ place: 'dockerfile-arg', name: 'NPM_TOKEN', value: CANARY }),
    kind: 'secret-named-arg-default',
    severity: 'error',
    reason: '"token": a token (GITHUB_TOKEN, ACCESS_TOKEN)',
    evidence: CANARY_SHOWN,
    headline: 'ARG NPM_TOKEN holds a secret',
  },
  {
    name: 'a secret-named ARG without a default',
    verdict: () => judgeSetting({ place: 'dockerfile-arg', name: 'GITHUB_TOKEN', value: undefined }),
    kind: 'build-time-slot',
    severity: 'error',
    reason: TOKEN_RULE,
    evidence: undefined,
    headline: 'ARG GITHUB_TOKEN takes a secret at build time',
  },
  {
    name: 'a bare NAME, set in .env',
    verdict: () => judgeSetting({ place: 'environment', name: 'DB_PASSWORD', value: null, host: { value: CANARY, source: ENV(2) } }),
    kind: 'passed-through-from-host',
    severity: 'error',
    reason: PASSWORD_RULE,
    evidence: CANARY_SHOWN,
    headline: "DB_PASSWORD passes the host's DB_PASSWORD through",
  },
  {
    name: 'a bare NAME, unset here',
    verdict: () => judgeSetting({ place: 'env-file', name: 'DB_PASSWORD', value: null, host: { value: undefined } }),
    kind: 'passed-through-from-host',
    severity: 'error',
    reason: PASSWORD_RULE,
    evidence: undefined,
    headline: "DB_PASSWORD passes the host's DB_PASSWORD through",
  },
  {
    name: 'a secret name filled from .env',
    verdict: () => judgeSetting(written('environment', 'DB_PASSWORD', '${DB_PASSWORD}', { DB_PASSWORD: CANARY }, { DB_PASSWORD: ENV(3) })),
    kind: 'filled-by-interpolation',
    severity: 'error',
    reason: PASSWORD_RULE,
    evidence: CANARY_SHOWN,
    headline: 'DB_PASSWORD holds a secret',
  },
  {
    name: 'a secret name filled at deploy time: its shape, with the colon, heads the message',
    verdict: () => judgeSetting(written('environment', 'DB_PASSWORD', '${DB_PASSWORD:?set it}')),
    kind: 'filled-by-interpolation',
    severity: 'error',
    reason: PASSWORD_RULE,
    evidence: undefined,
    headline: 'DB_PASSWORD is filled from ${DB_PASSWORD:?…}',
  },
  {
    name: 'a placeholder in a secret slot',
    verdict: () => judgeSetting({ place: 'environment', name: 'MYSQL_ROOT_PASSWORD', value: 'changeme' }),
    kind: 'placeholder-in-secret-slot',
    severity: 'warning',
    reason: PASSWORD_RULE,
    evidence: '***********, 8 chars',
    headline: 'MYSQL_ROOT_PASSWORD holds a placeholder',
  },
  {
    name: 'a *_FILE variable holding the secret',
    verdict: () => judgeSetting({ place: 'environment', name: 'DB_PASSWORD_FILE', value: CANARY }),
    kind: 'secret-in-file-variable',
    severity: 'error',
    reason: '"password" is qualified by "file" (where the secret is): names something about the secret',
    evidence: CANARY_SHOWN,
    headline: 'DB_PASSWORD_FILE should hold the path of a secret file, not the secret',
  },
  {
    name: 'a credential format, whatever the name: the evidence is the password alone',
    verdict: () => judgeSetting({ place: 'environment', name: 'DATABASE_URL', value: CANARY_URL }),
    kind: 'credential-format',
    severity: 'error',
    reason: URL_FORMAT,
    evidence: CANARY_SHOWN,
    headline: 'DATABASE_URL holds a secret',
  },
  {
    name: 'a credential in a label',
    verdict: () => judgeSetting({ place: 'label', name: 'com.example.deploy', value: CANARY_TOKEN }),
    kind: 'credential-format',
    severity: 'error',
    reason: GITHUB_FORMAT,
    evidence: 'gh***********Xr, 40 chars',
    headline: 'label com.example.deploy holds a secret',
  },
  {
    name: 'a password hash',
    verdict: () => judgeSetting({ place: 'environment', name: 'ADMIN_USERS', value: 'admin:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/' }),
    kind: 'credential-format',
    severity: 'warning',
    reason: 'Apache MD5 (apr1) password hash',
    evidence: '$a***********j/, 37 chars',
    headline: 'ADMIN_USERS holds a password hash, crackable offline',
  },
  {
    name: 'a credential written as a default, unused here',
    verdict: () => judgeSetting(written('environment', 'DATABASE_URL', `\${DATABASE_URL:-${CANARY_URL}}`, { DATABASE_URL: 'postgres://db/app' })),
    kind: 'credential-in-default',
    severity: 'error',
    reason: URL_FORMAT,
    evidence: CANARY_SHOWN,
    headline: 'DATABASE_URL has, in a default written in its value, a secret',
  },
  {
    name: 'a secret variable interpolated into a value',
    verdict: () => judgeSetting(written('environment', 'CACHE_PREFIX', 'app-${DB_PASSWORD:-x}', { DB_PASSWORD: CANARY })),
    kind: 'secret-variable-interpolated',
    severity: 'error',
    reason: PASSWORD_RULE,
    evidence: CANARY_SHOWN,
    headline: 'CACHE_PREFIX interpolates the secret ${DB_PASSWORD:-…}',
  },
  {
    name: 'a value equal to a known secret, whatever its name',
    verdict: () => judgeSetting({ place: 'environment', name: 'OPAQUE', value: CANARY }, known),
    kind: 'known-secret-value',
    severity: 'error',
    reason: 'equal to the value of the secret db_password',
    evidence: CANARY_SHOWN,
    headline: 'OPAQUE holds the value of the secret db_password',
  },
  {
    name: 'a password option on a command line',
    verdict: () => judgeCommandLine({ field: 'command', value: `redis-server --requirepass ${CANARY}`, written: [undefined] })[0],
    kind: 'password-on-command-line',
    severity: 'error',
    reason: 'secret passed on the command line with --requirepass',
    evidence: CANARY_SHOWN,
    headline: 'command puts on the command line a secret',
  },
  {
    name: 'a secret variable Compose interpolates into a command line, unset here',
    verdict: () => {
      const { value, references } = interpolate('${REDIS_PASSWORD}', () => undefined);
      return judgeCommandLine({ field: 'command', value: ['redis-server', '--requirepass', value], written: [undefined, undefined, { references, sources: {} }] })[0];
    },
    kind: 'secret-variable-on-command-line',
    severity: 'error',
    reason: PASSWORD_RULE,
    evidence: undefined,
    headline: 'command interpolates the secret ${REDIS_PASSWORD}',
  },
  {
    name: 'a config made from a secret-named variable',
    verdict: () => judgeConfigVariable('app_config', 'DB_PASSWORD', CANARY),
    kind: 'config-from-secret-variable',
    severity: 'error',
    reason: PASSWORD_RULE,
    evidence: CANARY_SHOWN,
    headline: 'config app_config is made from DB_PASSWORD, a secret',
  },
  {
    name: 'a credential in the content of a config',
    verdict: () => judgeConfigText('app_config', { from: 'content' }, `[db]\nurl = ${CANARY_URL}\n`)[0],
    kind: 'credential-in-config',
    severity: 'error',
    reason: URL_FORMAT,
    evidence: CANARY_SHOWN,
    headline: 'the content of config app_config holds a secret',
  },
];

describe('verdicts', () => {
  it.each(ROWS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const verdict = row.verdict();
    expect(verdict).toMatchObject({ kind: row.kind, severity: row.severity, reason: row.reason });
    expect(verdict?.evidence).toBe(row.evidence);
    expect(verdict && verdictHeadline(verdict)).toBe(row.headline);
    expect(verdict && verdictMessage(verdict).startsWith(`${row.headline}`)).toBe(true);
  });

  it.each(ROWS.map((row) => [row.name, row] as const))('never shows the canary: %s', (_name, row) => {
    const verdict = row.verdict() as Verdict;
    expect(leaks(JSON.stringify(verdict), CANARY)).toBe(false);
    expect(leaks(verdictMessage(verdict), CANARY)).toBe(false);
  });

  it('covers every kind of verdict', () => {
    const kinds: VerdictKind[] = [
      'secret-named-literal',
      'secret-named-arg-default',
      'build-time-slot',
      'passed-through-from-host',
      'filled-by-interpolation',
      'placeholder-in-secret-slot',
      'secret-in-file-variable',
      'credential-format',
      'credential-in-default',
      'secret-variable-interpolated',
      'known-secret-value',
      'password-on-command-line',
      'secret-variable-on-command-line',
      'config-from-secret-variable',
      'credential-in-config',
    ];
    expect(new Set(ROWS.map((row) => row.kind))).toEqual(new Set(kinds));
  });
});

describe('setting verdict facts', () => {
  it('carry the name rule and every credential format in the value, for those who list reasons', () => {
    const verdict = judgeSetting({ place: 'environment', name: 'GITHUB_TOKEN', value: `${CANARY_TOKEN} AKIAZ3MSJV7WLXQ4TB6N` });
    expect(verdict).toMatchObject({ nameRule: { says: 'secret', reason: TOKEN_RULE }, credentialFormats: [GITHUB_FORMAT, 'AWS access key ID'] });
  });

  it('name the host value formats of a bare NAME, and say a *_FILE name names a file', () => {
    expect(judgeSetting({ place: 'environment', name: 'API_TOKEN', value: null, host: { value: CANARY_TOKEN } })?.credentialFormats).toEqual([GITHUB_FORMAT]);
    expect(judgeSetting({ place: 'environment', name: 'API_KEY_FILE', value: CANARY })?.nameRule?.says).toBe('secret-file');
  });

  it('name the secret word of a label, and nothing for a label whose name says nothing', () => {
    expect(judgeSetting({ place: 'label', name: 'com.example.password', value: CANARY_TOKEN })?.nameRule?.says).toBe('secret');
    expect(judgeSetting({ place: 'label', name: 'com.example.deploy', value: CANARY_TOKEN })?.nameRule).toBeUndefined();
  });

  it('report the most severe credential, not the first', () => {
    const verdict = judgeSetting({ place: 'environment', name: 'ADMIN_USERS', value: `admin:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/ ${CANARY_TOKEN}` });
    expect(verdict).toMatchObject({ kind: 'credential-format', severity: 'error', reason: GITHUB_FORMAT });
  });

  it('without known secrets, judge a known value by its name and format alone', () => {
    expect(judgeSetting({ place: 'environment', name: 'OPAQUE', value: CANARY })).toBeUndefined();
  });
});
