import { readFileSync } from 'node:fs';
import { AppError } from '../errors/index.js';

/**
 * A secret the CLI takes without putting it on the command line (where `ps` and shell history see
 * it): `--<name>-file <path>`, or `--<name> -` to read standard input. Trailing newlines are dropped.
 * A literal value still works, for scripts that already have it in a variable.
 */
export async function readSecret(
  flag: string,
  value: string | undefined,
  file: string | undefined,
  stdin: AsyncIterable<Buffer | string> = process.stdin,
): Promise<string | undefined> {
  if (value !== undefined && file !== undefined) {
    throw new AppError('INVALID_ARGUMENT', `Give --${flag} or --${flag}-file, not both.`);
  }
  let raw: string | undefined;
  if (file !== undefined) {
    try {
      raw = readFileSync(file, 'utf8');
    } catch (err) {
      throw new AppError(
        'INVALID_ARGUMENT',
        `--${flag}-file: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
      );
    }
  } else if (value === '-') {
    raw = '';
    for await (const chunk of stdin) raw += String(chunk);
  } else {
    return value;
  }
  const secret = raw.replace(/[\r\n]+$/, '');
  if (!secret) throw new AppError('INVALID_ARGUMENT', `--${flag}: the secret is empty.`);
  return secret;
}
