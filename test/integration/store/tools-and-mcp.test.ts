import { describe, expect, it } from 'vitest';
import type { ToolExecution } from '../../../src/store/index.js';
import { describeStore, T0 } from '../../helpers/store-dialects.js';

describeStore((ctx) => {
  describe('tool executions', () => {
    const row = (i: number, over: Partial<ToolExecution> = {}): ToolExecution => ({
      id: `exe_${String(i).padStart(4, '0')}`,
      toolName: i % 2 ? 'airtable_list_records' : 'airtable_get_record',
      connectionId: 'conn_x',
      connectedAccountId: 'ca_x',
      identifier: i < 5 ? 'alice' : 'bob',
      caller: 'skc_1',
      via: 'grpc',
      startedAt: T0 + Math.floor(i / 2) * 1000,
      durationMs: 12,
      outcome: 'success',
      errorCode: null,
      providerStatus: 200,
      upstreamCalls: 1,
      ...over,
    });

    it('records and lists newest first, filtered, paged by (started_at, id) without gaps or repeats', async () => {
      for (let i = 0; i < 8; i++) await ctx.store.toolExecutions.record(row(i));
      await ctx.store.toolExecutions.record(
        row(8, { outcome: 'tool_error', errorCode: 'TOOL_ERROR', providerStatus: 403 }),
      );
      const all = await ctx.store.toolExecutions.list({ limit: 100 });
      expect(all.map((e) => e.id)).toEqual(Array.from({ length: 9 }, (_, i) => row(8 - i).id));
      expect(all[0]).toEqual(row(8, { outcome: 'tool_error', errorCode: 'TOOL_ERROR', providerStatus: 403 }));
      const seen: string[] = [];
      let after: { startedAt: number; id: string } | undefined;
      for (;;) {
        const page = await ctx.store.toolExecutions.list({ limit: 2, after });
        if (page.length === 0) break;
        seen.push(...page.map((e) => e.id));
        const last = page.at(-1)!;
        after = { startedAt: last.startedAt, id: last.id };
      }
      expect(seen).toEqual(all.map((e) => e.id));
      expect(
        (await ctx.store.toolExecutions.list({ identifier: 'alice', limit: 100 })).map((e) => e.id),
      ).toEqual(['exe_0004', 'exe_0003', 'exe_0002', 'exe_0001', 'exe_0000']);
      expect(
        await ctx.store.toolExecutions.list({
          toolName: 'airtable_get_record',
          identifier: 'bob',
          limit: 100,
        }),
      ).toHaveLength(2);
      expect(await ctx.store.toolExecutions.prune(T0 + 2000)).toBe(4);
      expect(await ctx.store.toolExecutions.list({ limit: 100 })).toHaveLength(5);
    });
  });

  describe('MCP tokens', () => {
    it('stores only the hash, finds by secret, expires, revokes once', async () => {
      const { token, secret } = await ctx.store.mcpTokens.create(
        {
          clientId: 'skc_1',
          identifier: 'alice',
          organizationId: '',
          userId: '',
          connectionNames: ['airtable'],
          toolNames: [],
          expiresAt: T0 + 3_600_000,
        },
        T0,
      );
      expect(secret).toMatch(/^lkm_/);
      const raw = JSON.stringify(await ctx.store.db.selectFrom('mcp_tokens').selectAll().execute());
      expect(raw).not.toContain(secret);
      expect(await ctx.store.mcpTokens.findBySecret(secret)).toEqual(token);
      expect(await ctx.store.mcpTokens.findBySecret(`${secret}x`)).toBeUndefined();
      expect(await ctx.store.mcpTokens.revoke(token.id, T0 + 5)).toBe(true);
      expect(await ctx.store.mcpTokens.revoke(token.id, T0 + 6)).toBe(false);
      expect((await ctx.store.mcpTokens.get(token.id))?.revokedAt).toBe(T0 + 5);
    });
  });
});
