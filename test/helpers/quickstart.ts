import { spawn } from 'node:child_process';
import path from 'node:path';
import { watchChild } from './cli.js';

const QUICKSTART = path.resolve(import.meta.dirname, '../../examples/airtable-quickstart/quickstart.mjs');

/**
 * The guide's Node example (examples/airtable-quickstart) as its own process: `link` resolves with
 * the authorization link it prints (rejects if it exits first); Enter then lets it call the API.
 */
export function runQuickstart(env: Record<string, string>) {
  const child = spawn(process.execPath, [QUICKSTART], {
    env: { ...process.env, ...env },
    cwd: path.dirname(QUICKSTART),
  });
  const { line, exited, output } = watchChild(child, /Authorize Airtable: (\S+)/);
  return {
    link: line.then((m) => m[1]!),
    exited,
    pressEnter: () => child.stdin.end('\n'),
    output,
  };
}
