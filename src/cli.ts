import { Command, CommanderError } from 'commander';
import { failureReport } from './errors.js';

/** What a command has to say on each stream. */
export interface Output {
  stdout: string;
  stderr: string;
}

/** How a command ended: what it says, and its exit code (0 done, 1 what it reports as failed). */
export interface Outcome extends Output {
  exitCode: number;
}

export function outcome({ stdout = '', stderr = '' }: Partial<Output>, exitCode = 0): Outcome {
  return { stdout, stderr, exitCode };
}

/** The text of these lines, each ended by a newline. */
export function lines(texts: readonly string[]): string {
  return texts.map((text) => `${text}\n`).join('');
}

/** How the commands answer; runCli hands one to every registration. */
export interface Responder {
  /** Makes a commander action of a function that returns the command's outcome, which runCli writes and exits with. */
  respond: <Args extends unknown[]>(action: (...args: Args) => Outcome | Promise<Outcome>) => (...args: Args) => Promise<void>;
  /** Writes at once what the user must see before the outcome: rotate's steps as they happen, deploy's preflight before docker takes the terminal. */
  stream: (output: Partial<Output>) => void;
}

export type RegisterCommands = (program: Command, responder: Responder) => void;

/** Commands that share a module, loaded only when one of them runs (or for the overall help). */
export interface CommandGroup {
  commands: string[];
  load: () => Promise<RegisterCommands>;
}

/**
 * Runs the planes command line over the given command groups and returns the exit code:
 * 0 done, 1 what the command reports as failed, 2 bad input, a wrong flag, or anything that
 * stopped the command (a file it could not read or write, a bug): whatever is thrown ends
 * here, as one message on standard error and no stack trace (failureReport).
 */
export async function runCli(argv: string[], groups: CommandGroup[]): Promise<number> {
  const program = new Command('planes')
    .description(
      'Sort every setting of a Compose/Swarm stack into four planes (build, config, secret, external), ' +
        "generate the dev and prod compose files from one manifest, and check that no secret ever ends up in a container's environment.",
    )
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  let exitCode = 0;
  const responder = writingResponder((code) => {
    exitCode = code;
  });
  const named = groups.filter((group) => group.commands.includes(argv[2] ?? ''));

  try {
    // Help, a typo or no command at all: every command must be there to be listed.
    for (const group of named.length > 0 ? named : groups) (await group.load())(program, responder);
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    process.stderr.write(failureReport(error));
    return 2;
  }
}

/** Writes what the commands say to this process's streams, and tells `ended` each command's exit code. */
function writingResponder(ended: (exitCode: number) => void): Responder {
  return {
    respond: (action) => async (...args) => {
      const answer = await action(...args);
      write(answer);
      ended(answer.exitCode);
    },
    stream: write,
  };
}

function write({ stdout, stderr }: Partial<Output>): void {
  if (stdout) process.stdout.write(stdout);
  if (stderr) process.stderr.write(stderr);
}
