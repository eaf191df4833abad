import { useEffect, useState } from 'preact/hooks';
import { errorText, get, post } from '../api';
import { TextField } from '../components/fields';
import { CopyField, Dialog, Notice, StatusBadge } from '../components/ui';
import type { AccountView, ConnectionView } from './types';

/** "Test connection": a link for a test identifier; shows the account's status until it is ACTIVE. */
export function TestDialog(props: { connection: ConnectionView; onClose: () => void }) {
  const [identifier, setIdentifier] = useState('test_user');
  const [link, setLink] = useState<{ link: string; connectedAccountId: string }>();
  const [status, setStatus] = useState<string>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!link || status === 'ACTIVE') return;
    const timer = setInterval(async () => {
      const { account } = await get<{ account: AccountView }>(`/accounts/${link.connectedAccountId}`);
      setStatus(account.status);
    }, 1500);
    return () => clearInterval(timer);
  }, [link, status]);

  return (
    <Dialog
      id="test"
      title={`Test ${props.connection.name}`}
      onClose={props.onClose}
      footer={
        <button type="button" onClick={props.onClose}>
          Close
        </button>
      }
    >
      {error && <Notice tone="error">{error}</Notice>}
      {!link ? (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            try {
              setLink(await post(`/connections/${props.connection.id}/test`, { identifier }));
              setStatus('PENDING_AUTH');
            } catch (err) {
              setError(errorText(err));
            }
          }}
        >
          <TextField
            id="test-identifier"
            label="Test identifier"
            value={identifier}
            onValue={setIdentifier}
            required
          />
          <div style="margin-top:1rem">
            <button class="primary" type="submit">
              Create authorization link
            </button>
          </div>
        </form>
      ) : (
        <>
          <CopyField id="test-link" label="Authorization link" value={link.link} />
          <p style="margin-top:1rem">
            <a href={link.link} target="_blank" rel="noopener">
              Open the link in a new tab
            </a>{' '}
            and complete the provider's consent.
          </p>
          <p role="status" id="test-status">
            Account status: <StatusBadge status={status ?? 'PENDING_AUTH'} />
            {status === 'ACTIVE' && <strong> — the connection works.</strong>}
          </p>
        </>
      )}
    </Dialog>
  );
}
