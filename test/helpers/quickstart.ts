import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

const QUICKSTART = path.resolve(import.meta.dirname, '../../examples/airtable-quickstart/quickstart.mjs');

/**
 * The guide's Node example (examples/airtable-quickstart) as its own process: `link` resolves with
 * the authorization link it prints (rejects if it exits first); Enter then lets it call the API.
 */
export function runQuickstart(env: Record<string, string>) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [QUICKSTART], {
    env: { ...process.env, ...env },
    cwd: path.dirname(QUICKSTART),
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  const link = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += String(d);
      const m = /Authorize Airtable: (\S+)/.exec(stdout);
      if (m) resolve(m[1]!);
    });
    child.on('close', () => reject(new Error(`quickstart exited without a link: ${stdout} ${stderr}`)));
  });
  const exited = once(child, 'close').then(([code]) => code as number | null);
  return {
    link,
    exited,
    pressEnter: () => child.stdin.end('\n'),
    output: () => ({ stdout, stderr }),
  };
}
