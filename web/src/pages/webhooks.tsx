import { useState } from 'preact/hooks';
import { del, errorText, get, post } from '../api';
import { CheckList } from '../components/check-list';
import { TextField } from '../components/fields';
import { FormDialog } from '../components/form-dialog';
import { Table, wide } from '../components/table';
import { Badge, Confirm, CopyField, Notice, PageHead, useLoad } from '../components/ui';
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
      setMessage({ tone: 'error', text: errorText(e) });
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
      <Table
        columns={['Endpoint', wide('Events')]}
        actions
        empty={list.data && endpoints.length === 0 && 'No webhook endpoints.'}
      >
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
      </Table>
      <h2>Recent deliveries</h2>
      <Table
        columns={['Queued', 'Event', 'Status', wide('Attempts'), wide('Last answer')]}
        actions
        empty={deliveries.data?.items.length === 0 && 'No deliveries yet.'}
      >
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
      </Table>
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
  return (
    <FormDialog
      id="add-webhook"
      title="Add webhook endpoint"
      submitLabel="Add"
      onClose={props.onClose}
      onSubmit={async () =>
        props.onAdded((await post<{ secret: string }>('/webhooks', { url, events })).secret)
      }
    >
      <TextField id="webhook-url" label="URL" type="url" value={url} onValue={setUrl} required />
      <CheckList
        legend="Events (none ticked = all)"
        options={props.eventTypes}
        value={events}
        onChange={setEvents}
      />
    </FormDialog>
  );
}
