import { useState } from 'preact/hooks';
import { get, qs } from '../api';
import { ConnectionSelect } from '../components/connection-select';
import { SearchBox } from '../components/fields';
import { Table, wide } from '../components/table';
import { PageHead, StatusBadge, useLoad } from '../components/ui';
import { dateTime, relative } from '../format';
import type { AccountView } from './types';

const STATUSES = ['ACTIVE', 'EXPIRED', 'PENDING_AUTH', 'PENDING_VERIFICATION', 'DISCONNECTED'];

export function lastRefresh(a: AccountView): string {
  const failedLast = a.lastRefreshErrorAt && (!a.lastRefreshedAt || a.lastRefreshedAt < a.lastRefreshErrorAt);
  if (failedLast) return `failed ${relative(a.lastRefreshErrorAt)}: ${a.lastRefreshError}`;
  return a.lastRefreshedAt ? `ok ${relative(a.lastRefreshedAt)}` : '—';
}

/** Connected accounts: search, filter by connection and status, open one for actions and history. */
export function Accounts() {
  const [q, setQ] = useState('');
  const [connection, setConnection] = useState('');
  const [status, setStatus] = useState('');
  const list = useLoad(
    () => get<{ accounts: AccountView[]; total: number }>(`/accounts${qs({ q, connection, status })}`),
    [q, connection, status],
  );
  const accounts = list.data?.accounts ?? [];
  return (
    <>
      <PageHead
        title="Connected accounts"
        intro="Your users' authorizations, their tokens' health, and what happened to them."
      />
      <div class="filters">
        <SearchBox
          label="Search by identifier or id"
          placeholder="Search identifier or id"
          value={q}
          onValue={setQ}
        />
        <ConnectionSelect value={connection} onChange={setConnection} />
        <select aria-label="Status" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
          <option value="">Any status</option>
          {STATUSES.map((s) => (
            <option value={s}>{s}</option>
          ))}
        </select>
      </div>
      <Table
        columns={[
          'Identifier',
          wide('Connection'),
          'Status',
          wide('Token expires'),
          wide('Refresh token expires'),
          wide('Last used'),
          wide('Last refresh'),
        ]}
        empty={list.data && accounts.length === 0 && 'No connected accounts match.'}
      >
        {accounts.map((a) => (
          <tr data-account={a.identifier}>
            <td>
              <a href={`/accounts/${a.id}`}>{a.identifier}</a>
              <div class="hint mono">{a.id}</div>
            </td>
            <td class="hide-narrow">{a.connection}</td>
            <td>
              <StatusBadge status={a.status} />
              {a.statusReason && <div class="hint">{a.statusReason}</div>}
            </td>
            <td class="hide-narrow" title={dateTime(a.accessTokenExpiresAt)}>
              {relative(a.accessTokenExpiresAt)}
            </td>
            <td class="hide-narrow" title={dateTime(a.refreshTokenExpiresAt)}>
              {relative(a.refreshTokenExpiresAt)}
            </td>
            <td class="hide-narrow">{relative(a.lastUsedAt)}</td>
            <td class="hide-narrow">{lastRefresh(a)}</td>
          </tr>
        ))}
      </Table>
      {list.data && list.data.total > accounts.length && (
        <p class="hint">
          Showing {accounts.length} of {list.data.total}; narrow the search to see the rest.
        </p>
      )}
    </>
  );
}
