import { useEffect, useState } from 'preact/hooks';
import { get, qs } from '../api';
import { Badge, Notice, PageHead, useLoad } from '../components/ui';
import { dateTime, relative } from '../format';
import type { ConnectionView } from './types';

type Tab = 'proxy' | 'tools' | 'events';
type Row = Record<string, unknown> & { id: string };
const TABS: Array<[Tab, string]> = [
  ['proxy', 'Proxy calls'],
  ['tools', 'Tool executions'],
  ['events', 'Auth events'],
];

const statusTone = (s: number) => (s < 400 ? 'ok' : s < 500 ? 'warn' : 'bad');
const account = (r: Row) =>
  r.connectedAccountId ? (
    <a href={`/accounts/${r.connectedAccountId}`}>{String(r.identifier ?? r.connectedAccountId)}</a>
  ) : (
    '—'
  );

const COLUMNS: Record<Tab, Array<[string, (r: Row) => unknown, boolean?]>> = {
  proxy: [
    [
      'Time',
      (r) => (
        <span class="nowrap" title={dateTime(r.startedAt as string)}>
          {relative(r.startedAt as string)}
        </span>
      ),
    ],
    ['Account', account],
    ['Method', (r) => <span class="mono">{String(r.method)}</span>],
    ['Path', (r) => <span class="mono">{String(r.path)}</span>],
    ['Status', (r) => <Badge tone={statusTone(r.status as number)}>{String(r.status)}</Badge>],
    ['Latency', (r) => `${r.durationMs} ms`, true],
    ['Retries', (r) => String(r.retries), true],
  ],
  tools: [
    [
      'Time',
      (r) => (
        <span class="nowrap" title={dateTime(r.startedAt as string)}>
          {relative(r.startedAt as string)}
        </span>
      ),
    ],
    ['Account', account],
    ['Tool', (r) => <span class="mono">{String(r.toolName)}</span>],
    ['Outcome', (r) => <Badge tone={r.outcome === 'success' ? 'ok' : 'bad'}>{String(r.outcome)}</Badge>],
    ['Provider status', (r) => String(r.providerStatus ?? '—'), true],
    ['Latency', (r) => `${r.durationMs} ms`, true],
    ['Calls', (r) => String(r.upstreamCalls), true],
  ],
  events: [
    [
      'Time',
      (r) => (
        <span class="nowrap" title={dateTime(r.occurredAt as string)}>
          {relative(r.occurredAt as string)}
        </span>
      ),
    ],
    ['Event', (r) => <span class="mono">{String(r.type)}</span>],
    ['Connection', (r) => String(r.connection ?? '—'), true],
    [
      'Account',
      (r) =>
        r.connectedAccountId ? (
          <a href={`/accounts/${r.connectedAccountId}`}>{String(r.connectedAccountId)}</a>
        ) : (
          '—'
        ),
    ],
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
  const connections = useLoad(() => get<{ connections: ConnectionView[] }>('/connections'));

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
        <select
          aria-label="Connection"
          value={connection}
          onChange={(e) => setConnection(e.currentTarget.value)}
        >
          <option value="">All connections</option>
          {(connections.data?.connections ?? []).map((c) => (
            <option value={c.id}>{c.name}</option>
          ))}
        </select>
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
      <div class="table-wrap">
        <table id={`log-${tab}`}>
          <thead>
            <tr>
              {COLUMNS[tab].map(([label, , narrowHidden]) => (
                <th class={narrowHidden ? 'hide-narrow' : undefined}>{label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr>
                {COLUMNS[tab].map(([, cell, narrowHidden]) => (
                  <td class={narrowHidden ? 'hide-narrow' : undefined}>{cell(row) as never}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && <div class="empty">Nothing logged yet.</div>}
      </div>
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
