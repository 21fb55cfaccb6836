/**
 * What migration carries over as it was written — the pass-through keys of a service, the
 * top-level volumes, networks and configs — judged entry by entry before it is: an entry the
 * judgement calls a secret (a credential, a secret-named variable interpolated into it, a
 * secret-named key holding a value) is left out of the manifest, so of every file written,
 * with a blocker that says where it was and what to do.
 */
import { type ComposeOrigin, originOf, shownEntry } from '../compose/index.js';
import type { SourcePosition } from '../errors.js';
import { classifyName, judgeSetting, type SettingVerdict, writtenIn } from '../judge/index.js';
import { MANIFEST_FILE } from '../layout.js';
import { secretTexts } from './secret-texts.js';

/** An entry left out because it holds a secret. */
export interface LeftOut {
  /** Dotted, as the report names it; a key that is itself the secret is shown hidden. */
  path: string;
  where: SourcePosition | undefined;
  message: string;
  /** The secret parts of what was left out, for the final guard over the files written. */
  secrets: string[];
}

export interface Carried {
  /** Undefined: the whole value was left out. */
  value: unknown;
  leftOut: LeftOut[];
}

/** Names that are metadata (what a tool reads), not a statement that the value is a secret: only values are judged. */
const METADATA = new Set(['labels', 'annotations']);

/** `holder[key]` without the entries that hold a secret; `path` names it in messages. */
export function carryWithoutSecrets(holder: object, key: string | number, path: string): Carried {
  const leftOut: LeftOut[] = [];
  const value = carry(holder, key, path, METADATA.has(String(key)), leftOut);
  return { value, leftOut };
}

/** One string the manifest would carry, `holder[key]`, when the judgement calls it a secret: what to report. */
export function secretCarried(holder: object, key: string, path: string): LeftOut | undefined {
  const value = (holder as Record<string, unknown>)[key];
  if (typeof value !== 'string') return undefined;
  const origin: ComposeOrigin | undefined = originOf(holder, key);
  const verdict = judgeCarried(undefined, value, origin);
  return verdict === undefined ? undefined : leftOutEntry(path, origin, verdict, secretTexts(value, origin, undefined));
}

function carry(holder: object, key: string | number, path: string, metadata: boolean, leftOut: LeftOut[]): unknown {
  const value = (holder as Record<string | number, unknown>)[key];
  const origin: ComposeOrigin | undefined = originOf(holder, key);
  if (typeof value === 'string') {
    const name = typeof key === 'string' && !metadata ? key : undefined;
    const verdict = judgeCarried(name, value, origin);
    if (verdict === undefined) return value;
    leftOut.push(leftOutEntry(path, origin, verdict, secretTexts(value, origin, name)));
    return undefined;
  }
  if (Array.isArray(value)) {
    return value.flatMap((_, index) => {
      const kept = carry(value, index, `${path}.${index}`, metadata, leftOut);
      return kept === undefined ? [] : [kept];
    });
  }
  if (value === null || typeof value !== 'object') return value;
  const kept: Record<string, unknown> = {};
  for (const entry of Object.keys(value)) {
    const entryOrigin: ComposeOrigin | undefined = originOf(value, entry);
    const keyOrigin = madeFromListItem(entryOrigin) ? entryOrigin : undefined;
    const keyVerdict = keyOrigin?.references === undefined ? undefined : judgeCarried(undefined, entry, keyOrigin);
    const entryPath = `${path}.${shownKey(entry, entryOrigin)}`;
    if (keyVerdict !== undefined) {
      leftOut.push(leftOutEntry(entryPath, entryOrigin, keyVerdict, secretTexts(entry, entryOrigin, undefined)));
      continue;
    }
    const inner = carry(value, entry, entryPath, metadata || METADATA.has(entry), leftOut);
    if (inner !== undefined || (value as Record<string, unknown>)[entry] === undefined) kept[entry] = inner;
  }
  return kept;
}

/** A mapping key as a message may show it: hidden when it was made from a list item a secret-named variable filled. */
export function shownKey(key: string, origin: ComposeOrigin | undefined): string {
  return shownEntry(key, madeFromListItem(origin) ? origin : undefined);
}

/**
 * Whether a mapping key was made from a list item (networks, depends_on, extra_hosts, labels
 * written as a list), and so interpolated with it: a key written as a key never is. The loader
 * locates such an entry at the item: with no key of its own, or with its key at the item.
 */
function madeFromListItem(origin: ComposeOrigin | undefined): boolean {
  if (origin === undefined) return false;
  return origin.key === undefined || (origin.key.line === origin.value.line && origin.key.column === origin.value.column);
}

/** The judgement of one carried string: by its value, and by its name when that says secret. Errors only: a placeholder or a password hash stays. */
function judgeCarried(name: string | undefined, value: string, origin: ComposeOrigin | undefined): SettingVerdict | undefined {
  const written = writtenIn(origin);
  const secretNamed = name !== undefined && classifyName(name).secret;
  const verdict = judgeSetting({ place: secretNamed ? 'environment' : 'label', name: name ?? '', value, ...(written === undefined ? {} : { written }) });
  return verdict?.severity === 'error' ? verdict : undefined;
}

function leftOutEntry(path: string, origin: ComposeOrigin | undefined, verdict: SettingVerdict, secrets: string[]): LeftOut {
  return {
    path,
    where: origin?.value,
    message: `${path} holds a secret (${whySecret(verdict)}): left out of the migrated project. Keep the secret out of it: declare it under secrets: in ${MANIFEST_FILE} (a file under /run/secrets the program reads), then add ${path} back without it`,
    secrets,
  };
}

/** What says it is a secret, from the verdict's facts: never a value but its redaction. */
function whySecret(verdict: SettingVerdict): string {
  const evidence = verdict.evidence === undefined ? '' : `; ${verdict.evidence}`;
  switch (verdict.kind) {
    case 'secret-variable-interpolated':
      return `filled from \${${verdict.reference.variable}}${evidence}`;
    case 'secret-named-literal':
    case 'filled-by-interpolation':
      return `its name says so: ${verdict.reason}${evidence}`;
    default:
      return `${verdict.reason}${evidence}`;
  }
}
