import { spawn } from 'node:child_process';
import { isAbsolute, join } from 'node:path';
import { UsageError } from '../errors.js';
import { readFileBytes } from '../fs/index.js';
import { classifyName, describeValue, maskCredentials } from '../redact/index.js';
import { printable } from '../report/index.js';
import { secretLoggingProblem } from './docker.js';
import { secretFile } from '../layout.js';
import type { Manifest, SecretSource } from '../manifest/index.js';

/** Where the production value of a secret comes from; the dev file when the manifest names no source. */
export function sourceOf(manifest: Manifest, secret: string): SecretSource {
  return manifest.secrets[secret]?.source ?? { file: secretFile(secret) };
}

export function describeSource(source: SecretSource): string {
  if ('file' in source) return `file ${source.file}`;
  if ('env' in source) return `environment variable ${source.env}`;
  return 'command';
}

export class SourceError extends UsageError {}

/**
 * Reads a secret value. It stays in memory: callers hand it to the engine or hash it,
 * and nothing here ever prints, logs or writes it.
 */
export async function readSecretValue(
  secret: string,
  source: SecretSource,
  root: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Buffer> {
  const logged = secretLoggingProblem(env);
  if (logged) throw new SourceError(`secret ${secret}: not read: ${logged}`);
  const value = await readSource(secret, source, root, env);
  if (value.length === 0) throw new SourceError(`secret ${secret}: its ${describeSource(source)} gives an empty value; an empty secret is almost certainly a mistake`);
  return value;
}

async function readSource(secret: string, source: SecretSource, root: string, env: NodeJS.ProcessEnv): Promise<Buffer> {
  if ('file' in source) {
    const path = isAbsolute(source.file) ? source.file : join(root, source.file);
    try {
      return readFileBytes(path, source.file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        throw new SourceError(`secret ${secret}: ${source.file} does not exist; create it (planes setup makes the dev ones) or give the secret a source: in the manifest`);
      }
      throw new SourceError(`secret ${secret}: ${(error as Error).message}`);
    }
  }
  if ('env' in source) {
    const value = env[source.env];
    if (value === undefined) throw new SourceError(`secret ${secret}: the environment variable ${source.env} is not set; export it before running planes`);
    return Buffer.from(value, 'utf8');
  }
  return runCommand(secret, source.command, root, env);
}

/** As the shell's $(…) does, a value printed by a command loses its trailing newlines. */
export function trimTrailingNewlines(output: Buffer): Buffer {
  let end = output.length;
  while (end > 0 && (output[end - 1] === 0x0a || output[end - 1] === 0x0d)) end--;
  return output.subarray(0, end);
}

/**
 * What a failing command said is shown from its end, where the reason is: its last lines, at
 * most a few hundred characters, credentials masked. Only that much is kept while it runs.
 */
const STDERR_LINES = 5;
const STDERR_CHARACTERS = 300;
const STDERR_KEPT_BYTES = 16 * 1024;

function runCommand(secret: string, command: string, root: string, env: NodeJS.ProcessEnv): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // stdin is closed so that a command waiting for a login prompt fails instead of hanging.
    const child = spawn('sh', ['-c', command], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    let stderr = Buffer.alloc(0);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      const joined = Buffer.concat([stderr, chunk]);
      stderr = joined.subarray(Math.max(0, joined.length - STDERR_KEPT_BYTES));
    });
    const shown = `\`${maskCredentials(command)}\``;
    child.on('error', (error) => reject(new SourceError(`secret ${secret}: cannot run its source command ${shown} (${error.message})`)));
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolve(trimTrailingNewlines(Buffer.concat(stdout)));
        return;
      }
      const status = signal ? `was killed by ${signal}` : `exited with status ${code}`;
      const said = lastWords(maskVariables(stderr.toString('utf8'), env));
      reject(new SourceError(`secret ${secret}: its source command ${shown} ${status}${said ? `; it said:\n${said}` : ' and printed nothing on stderr'}`));
    });
  });
}

/**
 * The text with the value of every secret-named variable of `env` masked: a source command
 * runs with planes' environment, and one that fails may say its token (`vault: token … denied`).
 */
function maskVariables(text: string, env: NodeJS.ProcessEnv): string {
  const values = Object.entries(env)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1].length >= MASKED_VALUE_LENGTH && classifyName(entry[0]).secret)
    .map(([, value]) => value)
    .sort((a, b) => b.length - a.length);
  return values.reduce((masked, value) => masked.split(value).join(`<${describeValue(value)}>`), text);
}

/** Shorter values would be found in unrelated text by chance. */
const MASKED_VALUE_LENGTH = 8;

/** The last lines of a command's stderr, credentials masked, cut to a few hundred characters, control characters replaced. */
function lastWords(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((line) => line.trimEnd()).filter((line) => line !== '');
  let text = maskCredentials(lines.slice(-STDERR_LINES).join('\n'));
  if (text.length > STDERR_CHARACTERS) {
    // Cut at a blank, not inside a word that may be part of a token.
    const tail = text.slice(-STDERR_CHARACTERS);
    const blank = tail.search(/\s/);
    text = `…${blank === -1 ? '' : tail.slice(blank)}`;
  }
  return text
    .split('\n')
    .map((line) => printable(line))
    .join('\n');
}
