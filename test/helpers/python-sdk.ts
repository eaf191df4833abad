import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './cli.js';

/** The team's shared folder (vendored Python SDK, tools) beside the repository; CI has it there too. */
export const SHARED_DIR = process.env.LATCHKEY_SHARED_DIR ?? path.resolve(ROOT, '../shared');
export const PYTHON = '/usr/bin/python3';
const PACKAGES = [
  'python3-grpcio',
  'python3-protobuf',
  'python3-requests',
  'python3-jwt',
  'python3-cryptography',
  'python3-pydantic',
];

export type PythonSdk = { available: true; pythonPath: string } | { available: false; reason: string };

/**
 * Makes the vendored official Python SDK importable with Debian's python3 (shared/tools/python-sdk-env).
 * Without Debian's packages it is unavailable — a failure in CI (where .ci/run installs them),
 * a loudly skipped suite on a laptop.
 */
export function preparePythonSdk(): PythonSdk {
  const script = path.join(SHARED_DIR, 'tools/python-sdk-env');
  if (!existsSync(PYTHON)) return { available: false, reason: `${PYTHON} not found` };
  if (!existsSync(script))
    return { available: false, reason: `${script} not found (set LATCHKEY_SHARED_DIR)` };
  const installed = spawnSync('dpkg', ['-s', ...PACKAGES], { stdio: 'ignore' }).status === 0;
  if (!installed && process.env.CI !== 'true') {
    return { available: false, reason: `Debian packages missing: ${PACKAGES.join(' ')}` };
  }
  const dest = mkdtempSync(path.join(tmpdir(), 'scalekit-python-sdk-'));
  const r = spawnSync('sh', [script, dest], { encoding: 'utf8' });
  if (r.status !== 0) return { available: false, reason: `python-sdk-env failed: ${r.stderr.slice(-500)}` };
  const pythonPath = r.stdout.trim().split('\n').at(-1) ?? '';
  return pythonPath
    ? { available: true, pythonPath }
    : { available: false, reason: 'python-sdk-env printed no PYTHONPATH' };
}
