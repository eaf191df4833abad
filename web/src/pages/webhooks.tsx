import { useState } from 'preact/hooks';
import { ApiError, del, get, post } from '../api';
import { Badge, Confirm, CopyField, Dialog, Notice, PageHead, useLoad } from '../components/ui';
import { relative } from '../format';

interface Endpoint {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  description: string;
}

interface Delivery {
  id: string;
  endpointId: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
}

const TONE = { pending: 'warn', delivered: 'ok', failed: 'bad' } as const;

/** Webhooks: endpoints, the events they receive, deliveries, resend. */
export function Webhooks() {
  const list = useLoad(() => get<{ endpoints: Endpoint[]; eventTypes: string[] }>('/webhooks'));
  const deliveries = useLoad(() => get<{ items: Delivery[] }>('/webhooks/deliveries?limit=50'));
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState<string>();
  const [removing, setRemoving] = useState<Endpoint>();
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string }>();
  const act = async (what: () => Promise<unknown>, done: string) => {
    try {
      await what();
      setMessage({ tone: 'ok', text: done });
    } catch (e) {
      setMessage({ tone: 'error', text: e instanceof ApiError ? e.message : String(e) });
    }
    list.reload();
    deliveries.reload();
  };
  const endpoints = list.data?.endpoints ?? [];

  return (
    <>
      <PageHead
        title="Webhooks"
        intro="Signed connected_account.* events sent to your endpoints (Standard Webhooks)."
      >
        <button type="button" class="primary" onClick={() => setAdding(true)}>
          Add endpoint
        </button>
      </PageHead>
      {message && <Notice tone={message.tone}>{message.text}</Notice>}
      {secret && (
        <div class="card">
          <CopyField id="webhook-secret" label="Signing secret" value={secret} hint="shown once" />
        </div>
      )}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Endpoint</th>
              <th class="hide-narrow">Events</th>
              <th>
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {endpoints.map((e) => (
              <tr>
                <td class="mono" style="overflow-wrap:anywhere">
                  {e.url}
                  {e.description && <div class="hint">{e.description}</div>}
                </td>
                <td class="hide-narrow mono">{e.events.join(', ')}</td>
                <td>
                  <div class="actions">
                    <button
                      type="button"
                      onClick={() => act(() => post(`/webhooks/${e.id}/test`), 'Test message sent.')}
                    >
                      Send test
                    </button>
                    <button type="button" class="danger" onClick={() => setRemoving(e)}>
                      Remove
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.data && endpoints.length === 0 && <div class="empty">No webhook endpoints.</div>}
      </div>
      <h2>Recent deliveries</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Queued</th>
              <th>Event</th>
              <th>Status</th>
              <th class="hide-narrow">Attempts</th>
              <th class="hide-narrow">Last answer</th>
              <th>
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(deliveries.data?.items ?? []).map((d) => (
              <tr>
                <td>{relative(d.createdAt)}</td>
                <td class="mono">{d.eventType}</td>
                <td>
                  <Badge tone={TONE[d.status]}>{d.status}</Badge>
                </td>
                <td class="hide-narrow">{d.attempts}</td>
                <td class="hide-narrow">{d.lastStatus ?? d.lastError ?? '—'}</td>
                <td>
                  {d.status !== 'pending' && (
                    <button
                      type="button"
                      onClick={() =>
                        act(() => post(`/webhooks/deliveries/${d.id}/resend`), 'Delivery queued again.')
                      }
                    >
                      Resend
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {deliveries.data?.items.length === 0 && <div class="empty">No deliveries yet.</div>}
      </div>
      {adding && list.data && (
        <AddDialog
          eventTypes={list.data.eventTypes}
          onClose={() => setAdding(false)}
          onAdded={(s) => {
            setAdding(false);
            setSecret(s);
            list.reload();
          }}
        />
      )}
      {removing && (
        <Confirm
          title="Remove this endpoint?"
          message={`${removing.url} stops receiving events.`}
          action="Remove"
          onClose={() => setRemoving(undefined)}
          onConfirm={() => act(() => del(`/webhooks/${removing.id}`), 'Endpoint removed.')}
        />
      )}
    </>
  );
}

function AddDialog(props: { eventTypes: string[]; onClose: () => void; onAdded: (secret: string) => void }) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>([]);
  const [error, setError] = useState<string>();
  return (
    <Dialog
      id="add-webhook"
      title="Add webhook endpoint"
      onClose={props.onClose}
      footer={
        <>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" form="add-webhook-form" class="primary">
            Add
          </button>
        </>
      }
    >
      <form
        id="add-webhook-form"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            props.onAdded((await post<{ secret: string }>('/webhooks', { url, events })).secret);
          } catch (err) {
            setError(err instanceof ApiError ? err.message : String(err));
          }
        }}
      >
        {error && <Notice tone="error">{error}</Notice>}
        <label for="webhook-url">URL</label>
        <input
          id="webhook-url"
          type="url"
          value={url}
          onInput={(e) => setUrl(e.currentTarget.value)}
          required
        />
        <fieldset style="border:0;padding:0;margin:0">
          <legend style="font-weight:600;font-size:.9rem;margin:.75rem 0 .3rem">
            Events (none ticked = all)
          </legend>
          {props.eventTypes.map((t) => (
            <label class="scope" style="border:0;padding:.2rem 0">
              <input
                type="checkbox"
                checked={events.includes(t)}
                onChange={(e) =>
                  setEvents((cur) => (e.currentTarget.checked ? [...cur, t] : cur.filter((x) => x !== t)))
                }
              />
              <span class="mono">{t}</span>
            </label>
          ))}
        </fieldset>
      </form>
    </Dialog>
  );
}
