import { useState } from 'preact/hooks';
import { ApiError, del, get, post } from '../api';
import { Table, wide } from '../components/table';
import { Confirm, CopyField, Notice, PageHead, StatusBadge, useLoad } from '../components/ui';
import { dateTime, relative } from '../format';
import { navigate } from '../router';
import { lastRefresh } from './accounts';
import type { AccountView, EventView } from './types';

/** One account: its token facts, actions (new link, force refresh, disconnect, delete) and event history. */
export function AccountDetail({ id }: { id: string }) {
  const detail = useLoad(() => get<{ account: AccountView; events: EventView[] }>(`/accounts/${id}`), [id]);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string }>();
  const [link, setLink] = useState<string>();
  const [confirm, setConfirm] = useState<'disconnect' | 'delete'>();
  const a = detail.data?.account;

  const run = async (what: () => Promise<unknown>, done: string) => {
    setMessage(undefined);
    try {
      await what();
      setMessage({ tone: 'ok', text: done });
    } catch (e) {
      setMessage({ tone: 'error', text: e instanceof ApiError ? `${e.message} (${e.code})` : String(e) });
    }
    detail.reload();
  };

  if (detail.error) return <Notice tone="error">{detail.error}</Notice>;
  if (!a) return null;
  return (
    <>
      <p>
        <a href="/accounts">← Connected accounts</a>
      </p>
      <PageHead title={a.identifier} intro={`${a.connection} · ${a.id}`}>
        <button
          type="button"
          onClick={() =>
            run(
              async () => setLink((await post<{ link: string }>(`/accounts/${a.id}/link`)).link),
              'A new authorization link was created.',
            )
          }
        >
          New link
        </button>
        <button
          type="button"
          onClick={() => run(() => post(`/accounts/${a.id}/refresh`), 'Tokens refreshed.')}
          disabled={a.status !== 'ACTIVE'}
        >
          Force refresh
        </button>
        <button
          type="button"
          class="danger"
          onClick={() => setConfirm('disconnect')}
          disabled={a.status === 'DISCONNECTED'}
        >
          Disconnect
        </button>
        <button type="button" class="danger" onClick={() => setConfirm('delete')}>
          Delete
        </button>
      </PageHead>
      {message && <Notice tone={message.tone}>{message.text}</Notice>}
      {link && (
        <div class="card">
          <CopyField
            id="account-link"
            label="Authorization link"
            value={link}
            hint="send it to the user; single use"
          />
        </div>
      )}
      <div class="card">
        <dl class="kv" id="account-facts">
          <dt>Status</dt>
          <dd>
            <StatusBadge status={a.status} /> {a.statusReason && <span class="hint">{a.statusReason}</span>}
          </dd>
          <dt>Access token expires</dt>
          <dd>
            {relative(a.accessTokenExpiresAt)}{' '}
            {a.accessTokenExpiresAt && <span class="hint">{dateTime(a.accessTokenExpiresAt)}</span>}
          </dd>
          <dt>Refresh token expires</dt>
          <dd>
            {relative(a.refreshTokenExpiresAt)}{' '}
            {a.refreshTokenExpiresAt && <span class="hint">{dateTime(a.refreshTokenExpiresAt)}</span>}
          </dd>
          <dt>Last used</dt>
          <dd>{relative(a.lastUsedAt)}</dd>
          <dt>Last refresh</dt>
          <dd id="last-refresh">{lastRefresh(a)}</dd>
          <dt>Refresh failures</dt>
          <dd>{a.refreshFailures}</dd>
        </dl>
      </div>
      <h2>Event history</h2>
      <Table
        id="account-events"
        columns={['Time', 'Event', wide('Details')]}
        empty={detail.data!.events.length === 0 && 'No events yet.'}
      >
        {detail.data!.events.map((e) => (
          <tr>
            <td title={dateTime(e.occurredAt)} style="white-space:nowrap">
              {relative(e.occurredAt)}
            </td>
            <td class="mono">{e.type}</td>
            <td class="hide-narrow mono">{summary(e.data)}</td>
          </tr>
        ))}
      </Table>
      {confirm === 'disconnect' && (
        <Confirm
          title="Disconnect this account?"
          message="Its tokens are deleted (and revoked at the provider where possible). The record stays; a new link re-authorizes it."
          action="Disconnect"
          onClose={() => setConfirm(undefined)}
          onConfirm={() => run(() => post(`/accounts/${a.id}/disconnect`), 'Account disconnected.')}
        />
      )}
      {confirm === 'delete' && (
        <Confirm
          title="Delete this account?"
          message="The account and its tokens are deleted. The app must create it again with a new link."
          action="Delete account"
          onClose={() => setConfirm(undefined)}
          onConfirm={async () => {
            await del(`/accounts/${a.id}`);
            navigate('/accounts');
          }}
        />
      )}
    </>
  );
}

function summary(data: Record<string, unknown>): string {
  const keep = ['status', 'previous_status', 'reason', 'status_reason', 'error'];
  const parts = Object.entries(data)
    .filter(([k, v]) => keep.includes(k) && v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  return parts.join(' ') || '—';
}
