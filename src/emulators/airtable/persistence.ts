import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { EmulatorContext } from './context.js';
import type { BaseModel } from './seed.js';
import type { AccessTokenRecord, AuthCode, Grant, RefreshTokenRecord } from './state.js';
import type { WebhookModel } from './webhook-store.js';

/**
 * `--state-file`: the emulator's grants, tokens and data survive a restart, so accounts connected
 * through it stay ACTIVE. The file holds live tokens: it is written with mode 0600, atomically
 * (temporary file + rename), before the response of every request that changes something is sent
 * (so a rotation the client saw is never lost to a crash).
 */
const VERSION = 1;

type Entries<T> = Array<[string, T]>;
type StoredWebhook = Omit<WebhookModel, 'macSecret'> & { macSecret: string };

interface Snapshot {
  version: number;
  grants: Entries<Grant>;
  codes: Entries<AuthCode>;
  accessTokens: Entries<AccessTokenRecord>;
  refreshTokens: Entries<RefreshTokenRecord>;
  personalTokens: Entries<Grant>;
  workspace: BaseModel[];
  webhooks: StoredWebhook[];
  attachments: Entries<{ bytes: string; type: string }>;
}

function snapshotOf(ctx: EmulatorContext): Snapshot {
  const { state } = ctx;
  return {
    version: VERSION,
    grants: [...state.grants],
    codes: [...state.codes],
    accessTokens: [...state.accessTokens],
    refreshTokens: [...state.refreshTokens],
    personalTokens: [...state.personalTokens],
    workspace: ctx.workspace,
    webhooks: ctx.webhooks.all().map((h) => ({ ...h, macSecret: h.macSecret.toString('base64') })),
    attachments: [...ctx.attachments].map(([id, a]) => [
      id,
      { bytes: a.bytes.toString('base64'), type: a.type },
    ]),
  };
}

function fill<T>(target: Map<string, T>, entries: Entries<T>): void {
  target.clear();
  for (const [k, v] of entries) target.set(k, v);
}

/** Restores `ctx` from `file`; false when the file does not exist yet. A bad file throws, naming it. */
export function restoreState(ctx: EmulatorContext, file: string): boolean {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new Error(`cannot read the state file ${file}: ${(err as Error).message}`);
  }
  let snap: Snapshot;
  try {
    snap = JSON.parse(text) as Snapshot;
  } catch {
    throw new Error(`the state file ${file} is not valid JSON (delete it to start afresh)`);
  }
  if (snap.version !== VERSION) {
    throw new Error(`the state file ${file} has version ${String(snap.version)}, expected ${VERSION}`);
  }
  const { state } = ctx;
  fill(state.grants, snap.grants);
  fill(state.codes, snap.codes);
  fill(state.accessTokens, snap.accessTokens);
  fill(state.refreshTokens, snap.refreshTokens);
  fill(state.personalTokens, snap.personalTokens);
  ctx.workspace.splice(0, ctx.workspace.length, ...snap.workspace);
  ctx.webhooks.replaceAll(
    snap.webhooks.map((h) => ({ ...h, macSecret: Buffer.from(h.macSecret, 'base64') })),
  );
  fill(
    ctx.attachments,
    snap.attachments.map(([id, a]) => [id, { bytes: Buffer.from(a.bytes, 'base64'), type: a.type }]),
  );
  return true;
}

/** Writes the whole state to `file` (0600, atomic). */
export function saveState(ctx: EmulatorContext, file: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(snapshotOf(ctx)), { mode: 0o600 });
  renameSync(tmp, file);
}
