import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { get, post, setCsrf, whenSignedOut } from './api';
import { AccountDetail } from './pages/account-detail';
import { Accounts } from './pages/accounts';
import { SetupPage, SignInPage } from './pages/auth';
import { Connections } from './pages/connections';
import { Credentials } from './pages/credentials';
import { Logs } from './pages/logs';
import { Webhooks } from './pages/webhooks';
import { navigate, onLinkClick, usePath } from './router';
import './styles.css';

interface Status {
  setupRequired: boolean;
  admin: { email: string } | null;
  csrf: string | null;
}

const NAV: Array<{ group: string; items: Array<[string, string]> }> = [
  {
    group: 'Agent Actions',
    items: [
      ['/connections', 'Connections'],
      ['/accounts', 'Connected accounts'],
      ['/logs', 'Logs'],
    ],
  },
  {
    group: 'Developers',
    items: [
      ['/credentials', 'API credentials'],
      ['/webhooks', 'Webhooks'],
    ],
  },
];

function Page({ path }: { path: string }) {
  if (path.startsWith('/accounts/'))
    return <AccountDetail id={decodeURIComponent(path.slice('/accounts/'.length))} />;
  switch (path) {
    case '/accounts':
      return <Accounts />;
    case '/credentials':
      return <Credentials />;
    case '/logs':
      return <Logs />;
    case '/webhooks':
      return <Webhooks />;
    default:
      return <Connections />;
  }
}

function Shell(props: { email: string; path: string; onSignOut: () => void }) {
  const current = props.path.startsWith('/accounts/')
    ? '/accounts'
    : props.path === '/'
      ? '/connections'
      : props.path;
  useEffect(() => {
    const label = NAV.flatMap((g) => g.items).find(([href]) => href === current)?.[1] ?? 'Dashboard';
    document.title = `${label} · Latchkey`;
  }, [current]);
  return (
    <div class="shell">
      <nav class="sidebar" aria-label="Main">
        <div class="brand">
          Latch<span>key</span>
        </div>
        {NAV.map((g) => (
          <>
            <div class="nav-group">{g.group}</div>
            {g.items.map(([href, label]) => (
              <a href={href} aria-current={current === href ? 'page' : undefined}>
                {label}
              </a>
            ))}
          </>
        ))}
        <div class="spacer" />
        <div class="who">{props.email}</div>
        <button type="button" onClick={props.onSignOut} class="sign-out">
          Sign out
        </button>
      </nav>
      <main class="main" id="main">
        <Page path={props.path} />
      </main>
    </div>
  );
}

function App() {
  const path = usePath();
  const [status, setStatus] = useState<Status | undefined>(undefined);

  const refresh = () =>
    get<Status>('/status').then((s) => {
      setCsrf(s.csrf ?? '');
      setStatus(s);
    });
  useEffect(() => {
    document.addEventListener('click', onLinkClick);
    whenSignedOut(() => setStatus((s) => s && { ...s, admin: null }));
    void refresh();
  }, []);

  useEffect(() => {
    if (!status) return;
    if (!status.admin) {
      const want = status.setupRequired ? '/setup' : '/sign-in';
      if (path !== want) navigate(want + (status.setupRequired ? location.hash : ''));
    } else if (path === '/sign-in' || path === '/setup' || path === '/') navigate('/connections');
  }, [status, path]);

  if (!status) return null;
  if (!status.admin) {
    return status.setupRequired ? <SetupPage onDone={refresh} /> : <SignInPage onDone={refresh} />;
  }
  return (
    <Shell
      email={status.admin.email}
      path={path}
      onSignOut={async () => {
        await post('/sign-out');
        await refresh();
      }}
    />
  );
}

render(<App />, document.getElementById('app')!);
