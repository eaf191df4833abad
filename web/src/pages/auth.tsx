import { useState } from 'preact/hooks';
import { ApiError, post } from '../api';
import { Notice } from '../components/ui';

function CredentialsForm(props: {
  title: string;
  intro: string;
  action: string;
  submit: (email: string, password: string) => Promise<unknown>;
  onDone: () => void;
  newPassword?: boolean;
}) {
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  return (
    <div class="center-page">
      <form
        class="card"
        onSubmit={async (e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          setBusy(true);
          setError(undefined);
          try {
            await props.submit(String(form.get('email')), String(form.get('password')));
            props.onDone();
          } catch (err) {
            setError(err instanceof ApiError ? err.message : 'Something went wrong.');
          } finally {
            setBusy(false);
          }
        }}
      >
        <div class="brand">
          Latch<span>key</span>
        </div>
        <h1>{props.title}</h1>
        <p class="hint" style="text-align:center">
          {props.intro}
        </p>
        {error && <Notice tone="error">{error}</Notice>}
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="username" required />
        <label for="password">
          Password {props.newPassword && <span class="hint">— at least 12 characters</span>}
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete={props.newPassword ? 'new-password' : 'current-password'}
          minLength={props.newPassword ? 12 : undefined}
          required
        />
        <div style="margin-top:1.25rem">
          <button class="primary" type="submit" disabled={busy} style="width:100%;justify-content:center">
            {props.action}
          </button>
        </div>
      </form>
    </div>
  );
}

export function SignInPage({ onDone }: { onDone: () => void }) {
  document.title = 'Sign in · Latchkey';
  return (
    <CredentialsForm
      title="Sign in"
      intro="Sign in to manage connections, accounts and credentials."
      action="Sign in"
      submit={(email, password) => post('/sign-in', { email, password })}
      onDone={onDone}
    />
  );
}

export function SetupPage({ onDone }: { onDone: () => void }) {
  document.title = 'Set up · Latchkey';
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
  if (!token) {
    return (
      <div class="center-page">
        <div class="card">
          <h1>Set up Latchkey</h1>
          <p>
            No admin exists yet. Open the one-time set-up link the server printed when it started, or run{' '}
            <code>latchkey admin create --email you@example.com</code>.
          </p>
        </div>
      </div>
    );
  }
  return (
    <CredentialsForm
      title="Create the admin account"
      intro="This one-time link creates the first dashboard admin."
      action="Create admin"
      newPassword
      submit={async (email, password) => {
        await post('/setup', { token, email, password });
        history.replaceState(null, '', '/connections');
      }}
      onDone={onDone}
    />
  );
}
