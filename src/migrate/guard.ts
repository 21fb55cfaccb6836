/**
 * The guarantee of `planes migrate`: a value the judgement calls a secret in the input is
 * written nowhere but in secrets/*.txt, and printed nowhere. Planning moves secrets and leaves
 * out what holds one; this guard checks the outcome whatever route a value took: every entry
 * of the manifest (the source of every generated file) that holds a secret of the input is
 * left out with a blocker, then every file about to be written is searched, a file that
 * would still hold one is not written (a blocker too), and the report masks any it holds.
 *
 * A secret that is also ordinary text of the input (a password equal to the user name, or to
 * the image's name), or a word that any file may hold, cannot be told from that text by its
 * value: where it is a secret the judgement decided by the place it was written, and the search
 * looks only for the others.
 */
import { relative, sep } from 'node:path';
import { describeValue, isHarmlessValue, isPlaceholder } from '../judge/index.js';
import { secretFile } from '../layout.js';
import { KnownSecrets, type KnownSecret } from './known-secrets.js';
import type { MigrationPlan } from './plan.js';
import type { MigrationReport, ReviewItem } from './report.js';
import type { GuardTexts } from './secret-texts.js';
import { projectFiles, type ProjectFiles } from './write.js';

/** The secrets the guard searches for: those that cannot turn up by chance, and are no ordinary text of the input. */
export function searchedSecrets(texts: GuardTexts): KnownSecrets {
  const candidates = new Map<string, KnownSecret>();
  for (const { value, from } of texts.secrets) {
    if (!candidates.has(value) && !couldBeChance(value)) candidates.set(value, { name: from, value });
  }
  const all = new KnownSecrets([...candidates.values()]);
  const ordinary = new Set(texts.ordinary.flatMap((text) => all.occurringIn(text)));
  // Compose files write a `$` as `$$`: a secret holding one is searched in both forms.
  return new KnownSecrets(
    [...candidates.values()]
      .filter((secret) => !ordinary.has(secret))
      .flatMap((secret) => (secret.value.includes('$') ? [secret, { ...secret, value: secret.value.split('$').join('$$') }] : [secret])),
  );
}

/**
 * A value that may well be found in the files written without coming from the secret: a short
 * one, a word (`postgres`, `password`: the name of a secret file holds it), a flag, a stand-in.
 * Where it is a secret, the judgement of the place it was written decided.
 */
function couldBeChance(value: string): boolean {
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((kind) => kind.test(value)).length;
  return value.trim().length < SHORTEST_SEARCHED || kinds < 2 || isHarmlessValue(value) || isPlaceholder(value);
}

const SHORTEST_SEARCHED = 8;

/** The files of the migrated project, none holding a searched secret outside secrets/*.txt; the plan's manifest and reviews are amended. */
export function guardedProjectFiles(plan: MigrationPlan, outDir: string, secrets: KnownSecrets): ProjectFiles {
  leaveOutHolders(plan.manifest, [], secrets, plan.reviews);
  const files = projectFiles(plan, outDir);
  const secretFiles = new Set(plan.secretFiles.map(({ name }) => secretFile(name)));
  const writes = files.writes.filter((write) => {
    const path = relative(outDir, write.path).split(sep).join('/');
    if (secretFiles.has(path)) return true;
    const [found] = secrets.occurringIn(write.content);
    if (found === undefined) return true;
    plan.reviews.push({ level: 'blocker', message: `${path} not written: it would hold the value of ${found.name} (${describeValue(found.value)}), a secret; this is a fault of planes migrate: please report it` });
    return false;
  });
  return { ...files, writes };
}

/** The report with any searched secret in it masked: what is printed never holds one. */
export function guardedReport(report: MigrationReport, secrets: KnownSecrets): MigrationReport {
  return maskStrings(report, secrets) as MigrationReport;
}

function maskStrings(value: unknown, secrets: KnownSecrets): unknown {
  if (typeof value === 'string') {
    return secrets.occurringIn(value).sort((a, b) => b.value.length - a.value.length).reduce((text, secret) => text.split(secret.value).join(`<${describeValue(secret.value)}>`), value);
  }
  if (Array.isArray(value)) return value.map((item) => maskStrings(item, secrets));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [maskStrings(key, secrets), maskStrings(inner, secrets)]));
  return value;
}

/** Leaves out every entry under `value` whose key or text holds a searched secret, with a blocker naming it. */
function leaveOutHolders(value: unknown, path: string[], secrets: KnownSecrets, reviews: ReviewItem[]): void {
  if (value === null || typeof value !== 'object') return;
  const leaveOut = (entry: string, found: KnownSecret): void => {
    const where = [...path, entry].join('.');
    reviews.push({ level: 'blocker', message: `${where} would hold the value of ${found.name} (${describeValue(found.value)}), a secret: left out of the migrated project; keep the secret out of it (secrets: in the manifest), then write it back` });
  };
  if (Array.isArray(value)) {
    for (let index = value.length - 1; index >= 0; index--) {
      const [found] = typeof value[index] === 'string' ? secrets.occurringIn(value[index] as string) : [];
      if (found !== undefined) {
        leaveOut(String(index), found);
        value.splice(index, 1);
      } else {
        leaveOutHolders(value[index], [...path, String(index)], secrets, reviews);
      }
    }
    return;
  }
  const mapping = value as Record<string, unknown>;
  for (const key of Object.keys(mapping)) {
    const inner = mapping[key];
    const [found] = [...secrets.occurringIn(key), ...(typeof inner === 'string' ? secrets.occurringIn(inner) : [])];
    if (found !== undefined) {
      leaveOut(secrets.occurringIn(key).length > 0 ? `<${describeValue(key)}>` : key, found);
      delete mapping[key];
    } else {
      leaveOutHolders(inner, [...path, key], secrets, reviews);
    }
  }
}
