import { Command } from 'commander';
import { executionJson } from '../../api/rest/executions.js';
import { AppError } from '../../errors/index.js';
import { addStoreOptions, withStore } from '../context.js';
import { printJson, printTable } from '../output.js';
import { relative } from './accounts.js';

interface LogsOptions {
  identifier?: string;
  account?: string;
  tool?: string;
  limit: string;
  json?: boolean;
}

/** `latchkey logs`: the tool execution log (tool, account, duration, outcome), newest first. */
export function logsCommand(): Command {
  const cmd = addStoreOptions(
    new Command('logs')
      .description(
        'Show tool executions: tool, account, caller, duration, outcome (never inputs, records or tokens)',
      )
      .option('--identifier <identifier>', 'only executions for this user identifier')
      .option('--account <id>', 'only executions for this connected account (ca_…)')
      .option('--tool <name>', 'only this tool')
      .option('--limit <n>', 'how many (newest first, at most 1000)', '50')
      .option('--json', 'print JSON'),
  );
  return cmd.action(async (opts: LogsOptions, sub: Command) => {
    const limit = /^\d+$/.test(opts.limit) ? Number(opts.limit) : Number.NaN;
    if (!(limit >= 1 && limit <= 1000))
      throw new AppError('INVALID_ARGUMENT', '--limit must be between 1 and 1000.');
    await withStore(sub, async (store) => {
      const rows = await store.toolExecutions.list({
        identifier: opts.identifier,
        connectedAccountId: opts.account,
        toolName: opts.tool,
        limit,
      });
      if (opts.json) return printJson(rows.map(executionJson));
      printTable(
        rows.map((e) => ({
          time: relative(e.startedAt),
          tool: e.toolName,
          identifier: e.identifier ?? '-',
          account: e.connectedAccountId ?? '-',
          via: e.via,
          ms: String(e.durationMs),
          outcome: e.errorCode
            ? `${e.outcome} (${e.errorCode}${e.providerStatus ? ` ${e.providerStatus}` : ''})`
            : e.outcome,
          calls: String(e.upstreamCalls),
        })),
        'No tool executions yet.',
      );
    });
  });
}
