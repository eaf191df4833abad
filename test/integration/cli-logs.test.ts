import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { openConfiguredStore } from '../../src/runtime.js';
import type { Store, ToolExecution } from '../../src/store/index.js';
import { runInProcess } from '../helpers/cli-in-process.js';

/** `latchkey logs`, in-process against a real SQLite store. */
describe('latchkey logs', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-cli-logs-'));
  const env = { LATCHKEY_DATA_DIR: dataDir, LATCHKEY_LOG_LEVEL: 'silent' };
  const cli = (...args: string[]) => runInProcess(env, ...args);
  let store: Store;
  const base: ToolExecution = {
    id: 'exe_a',
    toolName: 'airtable_list_records',
    connectionId: 'conn_1',
    connectedAccountId: 'ca_1',
    identifier: 'alice',
    caller: 'skc_1',
    via: 'grpc',
    startedAt: Date.now() - 60_000,
    durationMs: 42,
    outcome: 'success',
    errorCode: null,
    providerStatus: 200,
    upstreamCalls: 3,
  };

  beforeAll(async () => {
    store = await openConfiguredStore(loadConfig(env));
    await store.toolExecutions.record(base);
    await store.toolExecutions.record({
      ...base,
      id: 'exe_b',
      toolName: 'airtable_delete_base',
      identifier: 'bob',
      via: 'mcp',
      caller: 'mcp:mcp_1',
      startedAt: Date.now() - 1000,
      outcome: 'tool_error',
      errorCode: 'TOOL_ERROR',
      providerStatus: 403,
      upstreamCalls: 1,
    });
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('--json prints executions newest first; filters narrow them', async () => {
    const { out, err } = await cli('logs', '--json');
    expect(err).toBeUndefined();
    const rows = JSON.parse(out) as Array<Record<string, unknown>>;
    expect(rows.map((r) => r.id)).toEqual(['exe_b', 'exe_a']);
    expect(rows[1]).toMatchObject({
      tool_name: 'airtable_list_records',
      duration_ms: 42,
      outcome: 'success',
      upstream_calls: 3,
    });
    const alice = JSON.parse((await cli('logs', '--identifier', 'alice', '--json')).out) as unknown[];
    expect(alice).toHaveLength(1);
  });

  it('prints a table for people and refuses a bad --limit', async () => {
    const { out } = await cli('logs', '--limit', '5');
    expect(out.split('\n')[0]).toMatch(/^TIME\s+TOOL\s+IDENTIFIER\s+ACCOUNT\s+VIA\s+MS\s+OUTCOME\s+CALLS$/);
    expect(out).toContain('tool_error (TOOL_ERROR 403)');
    expect((await cli('logs', '--limit', '0')).err).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
