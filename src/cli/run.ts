import { type Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config.js';
import { isAppError } from '../errors/index.js';
import { buildProgram } from './program.js';

/** Applies `fn` to a command and all its subcommands. */
function everyCommand(cmd: Command, fn: (c: Command) => void): void {
  fn(cmd);
  for (const sub of cmd.commands) everyCommand(sub, fn);
}

/**
 * Runs one CLI invocation and returns its exit code; known errors become one clear line on stderr.
 * `inProcess`: commander reports parse errors and --help by throwing instead of exiting the process
 * (tests run commands this way; src/main.ts exits with the code).
 */
export async function runCommand(
  argv: string[],
  opts: { inProcess?: boolean /** Tests: throw the error instead of printing it. */; rethrow?: boolean } = {},
): Promise<number> {
  const program = buildProgram();
  if (opts.inProcess) everyCommand(program, (c) => c.exitOverride());
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (opts.rethrow) throw err;
    if (err instanceof CommanderError && err.code === 'commander.helpDisplayed') return 0;
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    if (isAppError(err)) {
      process.stderr.write(`error: ${err.message} (${err.code})\n`);
      return 1;
    }
    const code = (err as NodeJS.ErrnoException)?.code;
    if (code === 'EADDRINUSE') {
      process.stderr.write(
        `error: the port is already in use (${(err as Error).message}); choose another with --port or LATCHKEY_PORT\n`,
      );
      return 1;
    }
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
