/**
 * Passwords on command lines: `command`, `entrypoint` and `healthcheck.test` (DESIGN.md §4).
 * The string form is split as a shell would; the list form is argv, with `CMD-SHELL` and
 * `sh -c` scripts split in turn. A value that is only a variable reference (`$PW`, `${PW}`,
 * `$(cat /run/secrets/pw)`) is expanded inside the container from a value judged where it is
 * set, so it is no finding (leak case 28).
 */
import {
  classifyName,
  CREDENTIAL_FORMATS,
  detectCredentials,
  isHarmlessValue,
  isPlaceholder,
  looksLikeFilePath,
  ScanCache,
  type CredentialMatch,
  type CredentialSeverity,
} from '../redact/index.js';

export interface CommandLineMatch extends CredentialMatch {
  /** Index of the list element holding the credential; null for the string form, whose offsets are into the string. */
  argument: number | null;
}

interface ProgramRule {
  programs: readonly string[];
  /** Short options whose value is attached (`-pSECRET`); given alone they prompt. */
  attached?: readonly string[];
  /** Short options whose value is the next word. */
  separate?: readonly string[];
  /** Options whose value is `user:password`; without a colon the program prompts. */
  userPassword?: readonly string[];
  /** Long options that prompt unless written `--option=value`: the next word is not theirs. */
  promptingLong?: readonly string[];
  /** The rule holds only after this subcommand (`docker login -p`, not `docker run -p 80:80`). */
  subcommand?: string;
  /** A short-option cluster holding this letter makes the last argument the password (`htpasswd -b`). */
  lastArgumentFlag?: string;
}

/** Programs whose password options a generic rule cannot know (or would get wrong). */
const PROGRAM_RULES: readonly ProgramRule[] = [
  {
    programs: ['mysql', 'mysqladmin', 'mysqldump', 'mysqlcheck', 'mysqlimport', 'mysqlshow', 'mysqlpump', 'mysqlbinlog', 'mysqlslap', 'mysql_upgrade', 'mariadb', 'mariadb-admin', 'mariadb-dump', 'mariadb-check', 'mariadb-import', 'mariadb-show', 'mariadb-binlog', 'mariadb-slap', 'mariadb-upgrade'],
    attached: ['-p'],
    promptingLong: ['password'],
  },
  { programs: ['redis-cli', 'valkey-cli', 'keydb-cli'], separate: ['-a'] },
  { programs: ['mongo', 'mongosh', 'mongodump', 'mongorestore', 'mongoexport', 'mongoimport', 'mongostat', 'mongotop', 'mongofiles'], separate: ['-p'] },
  { programs: ['sshpass'], attached: ['-p'], separate: ['-p'] },
  // SQL Server's tools: -P is the password (lower-case -p prints statistics).
  { programs: ['sqlcmd', 'bcp', 'osql'], attached: ['-P'], separate: ['-P'] },
  // Mosquitto's clients: -P is the password, -p the port.
  { programs: ['mosquitto_pub', 'mosquitto_sub', 'mosquitto_rr'], separate: ['-P'] },
  // OpenLDAP's clients: -w is the password, -W prompts for it.
  { programs: ['ldapsearch', 'ldapadd', 'ldapmodify', 'ldapdelete', 'ldapmodrdn', 'ldapcompare', 'ldapwhoami', 'ldappasswd', 'ldapexop'], attached: ['-w'], separate: ['-w'] },
  { programs: ['rabbitmqadmin', 'cqlsh'], separate: ['-p'] },
  { programs: ['docker', 'podman', 'nerdctl', 'buildah', 'skopeo', 'helm'], subcommand: 'login', separate: ['-p'] },
  { programs: ['curl'], userPassword: ['-u', '--user', '-U', '--proxy-user'] },
  { programs: ['htpasswd'], lastArgumentFlag: 'b' },
];

/** Option names whose words do not say "secret" but whose value is one. */
const KNOWN_SECRET_OPTIONS: ReadonlySet<string> = new Set([
  'requirepass', // redis-server
  'masterauth', // redis-server replica
  'storepass', // keytool
  'keypass',
  'srcstorepass',
  'deststorepass',
  'srckeypass',
  'destkeypass',
  'passin', // openssl
  'passout',
  'oauth2-bearer', // curl
]);

/**
 * Single-dash names read as one long option (`-password x`, Go and Java style). Anything else
 * after one dash is a cluster of short options, where `-psecret` is mysql's `-p` + password.
 */
const SINGLE_DASH_SECRET_NAMES: ReadonlySet<string> = new Set(['password', 'passwd', 'pass', 'pwd', 'token', 'secret', 'apikey', 'passphrase']);

const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh', 'busybox']);

const COMMAND_LINE_PASSWORD = 'command-line-password';
const CREDENTIAL_FORMAT_IDS: ReadonlySet<string> = new Set(CREDENTIAL_FORMATS.map((format) => format.id));

interface Word {
  text: string;
  argument: number | null;
  /** Where each character of text was written, as an offset into the argument or the string. */
  offsets: number[];
}

interface Found extends CommandLineMatch {
  /** Known formats name the credential best, option rules next, other value detections last. */
  rank: number;
}

const commandScans = new ScanCache<readonly CommandLineMatch[]>();

/** Finds passwords and tokens written literally on a command line; the array is the caller's. */
export function detectPasswordArguments(command: string | readonly string[]): CommandLineMatch[] {
  const key = typeof command === 'string' ? `s${command}` : `l${JSON.stringify(command)}`;
  return [...commandScans.get(key, () => scanCommandLine(command))];
}

function scanCommandLine(command: string | readonly string[]): CommandLineMatch[] {
  const commands = typeof command === 'string' ? splitShell(command, null, identityOffsets(command)) : execFormCommands(command);
  const found = [...commands.flatMap(analyseCommand), ...knownFormatsInScripts(command)];
  found.sort((a, b) => a.rank - b.rank);
  const kept: Found[] = [];
  for (const match of found) {
    const overlaps = kept.some((other) => other.argument === match.argument && match.start < other.end && other.start < match.end);
    if (!overlaps) kept.push(match);
  }
  return kept
    .sort((a, b) => (a.argument ?? -1) - (b.argument ?? -1) || a.start - b.start)
    .map(({ rank: _rank, ...match }) => match);
}

function execFormCommands(list: readonly string[]): Word[][] {
  const [first] = list;
  if (first === 'NONE') return [];
  if (first === 'CMD-SHELL') {
    return list.slice(1).flatMap((script, index) => splitShell(script, index + 1, identityOffsets(script)));
  }
  const start = first === 'CMD' ? 1 : 0;
  const words = list.slice(start).map((text, index) => ({ text, argument: index + start, offsets: identityOffsets(text) }));
  return words.length > 0 ? [words] : [];
}

/**
 * Known credential formats anywhere in a shell string, comments included: a comment does not
 * run, but it is still written in the container's configuration for `docker inspect` to show.
 */
function knownFormatsInScripts(command: string | readonly string[]): Found[] {
  const scripts: Array<{ text: string; argument: number | null }> =
    typeof command === 'string' ? [{ text: command, argument: null }] : command[0] === 'CMD-SHELL' ? command.slice(1).map((text, index) => ({ text, argument: index + 1 })) : [];
  return scripts.flatMap(({ text, argument }) =>
    detectCredentials(text)
      .filter((match) => CREDENTIAL_FORMAT_IDS.has(match.id))
      .map((match) => ({ ...match, argument, rank: 0 })),
  );
}

function identityOffsets(text: string): number[] {
  return Array.from({ length: text.length }, (_, index) => index);
}

/**
 * Splits a shell script into commands of words, the way sh would before expansion: quotes
 * removed, `$…` expansions kept verbatim (they are expanded in the container), `;`, `&`, `|`,
 * parentheses and newlines ending a command. Offsets map each character back to its source.
 */
function splitShell(script: string, argument: number | null, sourceOffsets: readonly number[]): Word[][] {
  const commands: Word[][] = [[]];
  let text = '';
  let offsets: number[] = [];
  let inWord = false;
  const take = (index: number): void => {
    text += script[index];
    offsets.push(sourceOffsets[index] as number);
    inWord = true;
  };
  const endWord = (): void => {
    if (inWord) (commands.at(-1) as Word[]).push({ text, argument, offsets });
    text = '';
    offsets = [];
    inWord = false;
  };
  const endCommand = (): void => {
    endWord();
    if ((commands.at(-1) as Word[]).length > 0) commands.push([]);
  };
  const takeExpansion = (index: number): number => {
    const end = expansionEnd(script, index);
    for (let at = index; at < end; at += 1) take(at);
    return end;
  };

  let index = 0;
  while (index < script.length) {
    const char = script[index] as string;
    if (char === ' ' || char === '\t' || char === '\r') {
      endWord();
      index += 1;
    } else if ('\n;&|()'.includes(char)) {
      endCommand();
      index += 1;
    } else if (char === '#' && !inWord) {
      const newline = script.indexOf('\n', index);
      index = newline < 0 ? script.length : newline;
    } else if (char === '\\') {
      if (index + 1 < script.length && script[index + 1] !== '\n') take(index + 1);
      index += 2;
    } else if (char === "'") {
      inWord = true;
      const close = script.indexOf("'", index + 1);
      const end = close < 0 ? script.length : close;
      for (let at = index + 1; at < end; at += 1) take(at);
      index = end + 1;
    } else if (char === '"') {
      inWord = true;
      index += 1;
      while (index < script.length && script[index] !== '"') {
        if (script[index] === '\\' && '"\\$`\n'.includes(script[index + 1] ?? '')) {
          if (script[index + 1] !== '\n') take(index + 1);
          index += 2;
        } else if (script[index] === '$' || script[index] === '`') {
          index = takeExpansion(index);
        } else {
          take(index);
          index += 1;
        }
      }
      index += 1;
    } else if (char === '$' || char === '`') {
      index = takeExpansion(index);
    } else {
      take(index);
      index += 1;
    }
  }
  endWord();
  return commands.filter((words) => words.length > 0);
}

/** End of the `$(…)`, `${…}` or `` `…` `` starting at index, so their spaces stay in the word. */
function expansionEnd(script: string, index: number): number {
  if (script[index] === '`') {
    const close = script.indexOf('`', index + 1);
    return close < 0 ? script.length : close + 1;
  }
  const open = script[index + 1];
  if (open !== '(' && open !== '{') return index + 1;
  const close = open === '(' ? ')' : '}';
  let depth = 0;
  for (let at = index + 1; at < script.length; at += 1) {
    if (script[at] === open) depth += 1;
    else if (script[at] === close && --depth === 0) return at + 1;
  }
  return script.length;
}

function analyseCommand(words: Word[]): Found[] {
  const scripts = shellScripts(words);
  const found: Found[] = [];
  words.forEach((word, index) => {
    if (scripts.has(index)) {
      found.push(...splitShell(word.text, word.argument, word.offsets).flatMap(analyseCommand));
      return;
    }
    for (const match of detectCredentials(word.text)) {
      if (coveredByReferences(word.text, match.start, match.end)) continue;
      found.push(located(word, match.start, match.end, match, CREDENTIAL_FORMAT_IDS.has(match.id) ? 0 : 2));
    }
  });
  found.push(...optionFindings(words));
  return found;
}

/** Indexes of the script words of `sh -c SCRIPT` (also `bash -ec`, `/bin/sh -c`). */
function shellScripts(words: readonly Word[]): Set<number> {
  const scripts = new Set<number>();
  words.forEach((word, index) => {
    if (!SHELLS.has(basename(word.text))) return;
    let at = index + 1;
    let sawCommandFlag = false;
    while (at < words.length && (words[at] as Word).text.startsWith('-')) {
      const flags = (words[at] as Word).text;
      if (!flags.startsWith('--') && flags.includes('c')) sawCommandFlag = true;
      at += 1;
    }
    if (sawCommandFlag && at < words.length) scripts.add(at);
  });
  return scripts;
}

interface OptionValue {
  word: Word;
  /** Where the value starts in word.text; it runs to the end of the word. */
  start: number;
}

/** The value of an option: after its `=`, or the next word unless that is another option. */
function valueOf(words: readonly Word[], index: number): OptionValue | undefined {
  const word = words[index] as Word;
  const equals = word.text.indexOf('=');
  if (equals >= 0) return { word, start: equals + 1 };
  const next = words[index + 1];
  return next !== undefined && !next.text.startsWith('-') ? { word: next, start: 0 } : undefined;
}

interface OptionFinding {
  option: string;
  value: OptionValue;
}

/** The password a program-specific rule finds at words[index], if any. */
function programOption(rule: ProgramRule, words: readonly Word[], index: number, programIndex: number): OptionFinding | undefined {
  return userPasswordOption(rule, words, index) ?? shortOption(rule, words, index) ?? lastArgumentOption(rule, words, index, programIndex);
}

/** `curl -u user:password`, `-uuser:password`, `--user=user:password`: the part after the colon. */
function userPasswordOption(rule: ProgramRule, words: readonly Word[], index: number): OptionFinding | undefined {
  const word = words[index] as Word;
  const option = word.text.split('=')[0] as string;
  const short = word.text.slice(0, 2);
  const attached = !rule.userPassword?.includes(option) && rule.userPassword?.includes(short) && word.text.length > 2;
  // `curl -fsu user:password`: a cluster of short flags whose last letter takes the next word.
  const clustered = !attached && /^-[A-Za-z]{2,}$/.test(word.text) ? `-${word.text.slice(-1)}` : undefined;
  const separate = rule.userPassword?.includes(option) ? option : clustered !== undefined && rule.userPassword?.includes(clustered) ? clustered : undefined;
  const value = attached ? { word, start: 2 } : separate !== undefined ? valueOf(words, index) : undefined;
  if (!value) return undefined;
  const colon = value.word.text.indexOf(':', value.start);
  return colon < 0 ? undefined : { option: attached ? short : (separate as string), value: { word: value.word, start: colon + 1 } };
}

/** `mysql -pPASSWORD` (attached) and `redis-cli -a PASSWORD` (separate). */
function shortOption(rule: ProgramRule, words: readonly Word[], index: number): OptionFinding | undefined {
  const word = words[index] as Word;
  if (word.text.startsWith('--')) return undefined;
  const short = word.text.slice(0, 2);
  if (word.text.length > 2 && rule.attached?.includes(short)) return { option: short, value: { word, start: 2 } };
  if (word.text.length !== 2 || !rule.separate?.includes(short)) return undefined;
  const value = valueOf(words, index);
  return value && { option: short, value };
}

/** `htpasswd -b FILE USER PASSWORD`: the last argument. */
function lastArgumentOption(rule: ProgramRule, words: readonly Word[], index: number, programIndex: number): OptionFinding | undefined {
  const flags = (words[index] as Word).text;
  const last = words[words.length - 1] as Word;
  if (rule.lastArgumentFlag === undefined || !/^-[A-Za-z]+$/.test(flags) || !flags.includes(rule.lastArgumentFlag)) return undefined;
  if (words.length - 1 <= index || last.text.startsWith('-')) return undefined;
  return { option: `${basename((words[programIndex] as Word).text)} ${flags}`, value: { word: last, start: 0 } };
}

/** The password a generic option rule finds at words[index] (`--password x`, `--token=x`, `-storepass x`). */
function genericOption(words: readonly Word[], index: number, rule: ProgramRule | undefined): OptionFinding | undefined {
  const text = (words[index] as Word).text;
  const doubleDash = text.startsWith('--');
  const option = text.split('=')[0] as string;
  const name = option.slice(doubleDash ? 2 : 1);
  if (!isSecretOption(name, doubleDash)) return undefined;
  if (!text.includes('=') && rule?.promptingLong?.includes(name)) return undefined;
  const value = valueOf(words, index);
  return value && { option, value };
}

function optionFindings(words: readonly Word[]): Found[] {
  const found: Found[] = [];
  let rule: ProgramRule | undefined;
  let programIndex = 0;
  let subcommandSeen = false;
  words.forEach((word, index) => {
    const programRule = PROGRAM_RULES.find((candidate) => candidate.programs.includes(basename(word.text)));
    if (programRule) {
      rule = programRule;
      programIndex = index;
      subcommandSeen = false;
      return;
    }
    if (word.text === rule?.subcommand) subcommandSeen = true;
    if (!word.text.startsWith('-') || word.text === '-' || word.text === '--') return;
    const active = rule?.subcommand === undefined || subcommandSeen ? rule : undefined;
    const finding = (active && programOption(active, words, index, programIndex)) ?? genericOption(words, index, active);
    if (!finding) return;
    let { start } = finding.value;
    const holder = finding.value.word;
    if (holder.text.startsWith('pass:', start)) start += 'pass:'.length;
    const severity = judgeArgument(holder.text.slice(start));
    if (!severity) return;
    const kind = { id: COMMAND_LINE_PASSWORD, description: `secret passed on the command line with ${finding.option}`, severity };
    found.push(located(holder, start, holder.text.length, kind, 1));
  });
  return found;
}

function isSecretOption(name: string, doubleDash: boolean): boolean {
  const lower = name.toLowerCase();
  if (KNOWN_SECRET_OPTIONS.has(lower)) return true;
  if (!doubleDash && !SINGLE_DASH_SECRET_NAMES.has(lower) && !/[-_.]/.test(name)) return false;
  return classifyName(name).secret;
}

// openssl and others read a password from `env:VAR`, `file:PATH`, `fd:N` or stdin; `docker
// build --secret id=…,src=…` and mounts take a spec. Neither is the secret.
const INDIRECT_SOURCE = /^(?:env|file|fd):|^stdin$|^(?:id|type|src|source|env|target)=/;

function judgeArgument(value: string): CredentialSeverity | undefined {
  if (value === '' || isVariableReference(value) || INDIRECT_SOURCE.test(value)) return undefined;
  if (isHarmlessValue(value) || looksLikeFilePath(value)) return undefined;
  return isPlaceholder(value) ? 'warning' : 'error';
}

function located(word: Word, start: number, end: number, kind: Omit<CredentialMatch, 'start' | 'end'>, rank: number): Found {
  return {
    id: kind.id,
    description: kind.description,
    severity: kind.severity,
    argument: word.argument,
    start: word.offsets[start] as number,
    end: (word.offsets[end - 1] as number) + 1,
    rank,
  };
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

// A name, or a positional/special parameter ($1, $@, $?).
const SIMPLE_REFERENCE = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9@*#?!-]/;
const DEFAULTING_REFERENCE = /^[A-Za-z_][A-Za-z0-9_]*(:?[-=+])([\s\S]*)$/;

/**
 * Whether a value consists only of shell expansions (`$PW`, `${PW}`, `$(cat /run/secrets/pw)`,
 * `` `…` ``), including compose's escaped `$$PW`. A literal default (`${PW:-hunter2}`) or
 * alternative (`${PW:+hunter2}`) is written on the command line, so it is not a reference.
 */
export function isVariableReference(value: string): boolean {
  return coveredByReferences(value, 0, value.length);
}

/**
 * Whether text[start, end) is all shell expansions. An expansion may run past end: a detector
 * that stops at whitespace sees `$(cat` of `password=$(cat /run/secrets/pw)`.
 */
function coveredByReferences(text: string, start: number, end: number): boolean {
  let index = start;
  while (index < end) {
    const next = referenceEnd(text, index);
    if (next === undefined) return false;
    index = next;
  }
  return end > start;
}

function referenceEnd(value: string, index: number): number | undefined {
  if (value[index] === '`') {
    const close = value.indexOf('`', index + 1);
    return close < 0 ? undefined : close + 1;
  }
  if (value[index] !== '$') return undefined;
  const at = value[index + 1] === '$' ? index + 2 : index + 1;
  const open = value[at];
  if (open === '{' || open === '(') {
    const end = expansionEnd(value, at - 1);
    if (value[end - 1] !== (open === '{' ? '}' : ')')) return undefined;
    return open === '{' && hasLiteralDefault(value.slice(at + 1, end - 1)) ? undefined : end;
  }
  const simple = SIMPLE_REFERENCE.exec(value.slice(at));
  return simple ? at + simple[0].length : undefined;
}

function hasLiteralDefault(inner: string): boolean {
  const match = DEFAULTING_REFERENCE.exec(inner);
  if (!match) return false;
  const fallback = match[2] as string;
  return fallback !== '' && !isVariableReference(fallback);
}
