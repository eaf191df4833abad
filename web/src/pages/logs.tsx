import { useEffect, useState } from 'preact/hooks';
import { get, qs } from '../api';
import { ConnectionSelect } from '../components/connection-select';
import { Table, wide } from '../components/table';
import { Badge, Notice, PageHead, useLoad } from '../components/ui';
import { dateTime, relative } from '../format';

type Tab = 'proxy' | 'tools' | 'events';
type Row = Record<string, unknown> & { id: string };
const TABS: Array<[Tab, string]> = [
  ['proxy', 'Proxy calls'],
  ['tools', 'Tool executions'],
  ['events', 'Auth events'],
];

const statusTone = (s: number) => (s < 400 ? 'ok' : s < 500 ? 'warn' : 'bad');
/** The account's identifier (its id where the row has none, as events), linking to its page. */
const account = (r: Row) =>
  r.connectedAccountId ? (
    <a href={`/accounts/${r.connectedAccountId}`}>{String(r.identifier ?? r.connectedAccountId)}</a>
  ) : (
    '—'
  );

/** When it happened: "3m ago", the full date and time on hover. */
const time = (field: 'startedAt' | 'occurredAt') => (r: Row) => (
  <span class="nowrap" title={dateTime(r[field] as string)}>
    {relative(r[field] as string)}
  </span>
);

/** Each tab's columns: header, cell, and whether phones hide it. */
const COLUMNS: Record<Tab, Array<[string, (r: Row) => unknown, boolean?]>> = {
  proxy: [
    ['Time', time('startedAt')],
    ['Account', account],
    ['Method', (r) => <span class="mono">{String(r.method)}</span>],
    ['Path', (r) => <span class="mono">{String(r.path)}</span>],
    ['Status', (r) => <Badge tone={statusTone(r.status as number)}>{String(r.status)}</Badge>],
    ['Latency', (r) => `${r.durationMs} ms`, true],
    ['Retries', (r) => String(r.retries), true],
  ],
  tools: [
    ['Time', time('startedAt')],
    ['Account', account],
    ['Tool', (r) => <span class="mono">{String(r.toolName)}</span>],
    ['Outcome', (r) => <Badge tone={r.outcome === 'success' ? 'ok' : 'bad'}>{String(r.outcome)}</Badge>],
    ['Provider status', (r) => String(r.providerStatus ?? '—'), true],
    ['Latency', (r) => `${r.durationMs} ms`, true],
    ['Calls', (r) => String(r.upstreamCalls), true],
  ],
  events: [
    ['Time', time('occurredAt')],
    ['Event', (r) => <span class="mono">{String(r.type)}</span>],
    ['Connection', (r) => String(r.connection ?? '—'), true],
    ['Account', account],
  ],
};

/** Logs: proxy calls, tool executions and auth events; filters, pages, retention. */
export function Logs() {
  const [tab, setTab] = useState<Tab>('proxy');
  const [connection, setConnection] = useState('');
  const [filter, setFilter] = useState('');
  const [rows, setRows] = useState<Row[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const settings = useLoad(() =>
    get<{ retentionDays: { proxyCalls: number; toolExecutions: number; events: number }; proxyLog: boolean }>(
      '/logs/settings',
    ),
  );

  const load = async (cursor: string | null) => {
    const params: Record<string, string> = { connection, cursor: cursor ?? '' };
    if (tab === 'proxy') params.outcome = filter;
    if (tab === 'tools') params.tool = filter;
    if (tab === 'events') params.type = filter;
    try {
      const page = await get<{ items: Row[]; next: string | null }>(`/logs/${tab}${qs(params)}`);
      setRows((cur) => (cursor ? [...cur, ...page.items] : page.items));
      setNext(page.next);
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  useEffect(() => {
    void load(null);
  }, [tab, connection, filter]);

  const r = settings.data?.retentionDays;
  return (
    <>
      <PageHead title="Logs" intro="What was called on whose behalf, and what happened to each account.">
        <button type="button" onClick={() => load(null)}>
          Refresh
        </button>
      </PageHead>
      <div class="tabs" role="tablist">
        {TABS.map(([key, label]) => (
          <button
            type="button"
            role="tab"
            aria-selected={tab === key}
            onClick={() => {
              setTab(key);
              setFilter('');
            }}
          >
            {label}
          </button>
        ))}
      </div>
      <div class="filters">
        <ConnectionSelect value={connection} onChange={setConnection} />
        {tab === 'proxy' ? (
          <select aria-label="Outcome" value={filter} onChange={(e) => setFilter(e.currentTarget.value)}>
            <option value="">Any status</option>
            <option value="ok">Succeeded (&lt; 400)</option>
            <option value="error">Failed (≥ 400)</option>
          </select>
        ) : (
          <input
            type="search"
            aria-label={tab === 'tools' ? 'Tool name' : 'Event type'}
            placeholder={
              tab === 'tools'
                ? 'Tool name, e.g. airtable_list_records'
                : 'Event type, e.g. connected_account.status_updated'
            }
            value={filter}
            onChange={(e) => setFilter(e.currentTarget.value.trim())}
          />
        )}
      </div>
      {error && <Notice tone="error">{error}</Notice>}
      <Table
        id={`log-${tab}`}
        columns={COLUMNS[tab].map(([label, , narrowHidden]) => (narrowHidden ? wide(label) : label))}
        empty={rows.length === 0 && 'Nothing logged yet.'}
      >
        {rows.map((row) => (
          <tr>
            {COLUMNS[tab].map(([, cell, narrowHidden]) => (
              <td class={narrowHidden ? 'hide-narrow' : undefined}>{cell(row) as never}</td>
            ))}
          </tr>
        ))}
      </Table>
      {next && (
        <p>
          <button type="button" onClick={() => load(next)}>
            Load more
          </button>
        </p>
      )}
      {r && (
        <p class="hint">
          Retention: proxy calls {r.proxyCalls} days (LATCHKEY_PROXY_LOG_RETENTION
          {settings.data?.proxyLog ? '' : '; recording is off'}), tool executions {r.toolExecutions} days
          (LATCHKEY_TOOL_LOG_RETENTION), events {r.events} days (LATCHKEY_EVENT_RETENTION).
        </p>
      )}
    </>
  );
}
