#!/usr/bin/env node
import { buildProgram } from './cli/program.js';
import { ConfigError } from './config/config.js';
import { isAppError } from './errors/index.js';

/** Process entry: run the CLI; known errors become one clear line and a non-zero exit. */
try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  if (isAppError(err)) {
    process.stderr.write(`error: ${err.message} (${err.code})\n`);
    process.exit(1);
  }
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE') {
    process.stderr.write(`error: the port is already in use (${(err as Error).message})\n`);
    process.exit(1);
  }
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
