/**
 * Plays the end user's browser without a browser: follows redirects by hand with a cookie jar,
 * presses Continue on Latchkey's landing page (typing `credentials` on a hosted credential form),
 * approves the emulator's consent form, and returns the final page.
 */
export interface BrowserResult {
  status: number;
  url: string;
  body: string;
  /** Every URL visited, in order. */
  trail: string[];
}

export class CookieJar {
  private readonly jar = new Map<string, Map<string, string>>();

  store(url: string, setCookie: string[]): void {
    const host = new URL(url).hostname;
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    for (const line of setCookie) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired) cookies.delete(name);
      else cookies.set(name, value);
    }
    this.jar.set(host, cookies);
  }

  header(url: string): string | undefined {
    const cookies = this.jar.get(new URL(url).hostname);
    if (!cookies || cookies.size === 0) return undefined;
    return [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  clear(): void {
    this.jar.clear();
  }
}

export interface BrowseOptions {
  jar?: CookieJar;
  decision?: 'approve' | 'deny';
  /** Press Continue on the landing page (default true); false stops there. */
  continueLanding?: boolean;
  /** Typed into a hosted credential form. */
  credentials?: Record<string, string>;
  /** Stop (without following) at the first redirect to a URL starting with this (the app's verify URL). */
  stopAt?: string;
  maxHops?: number;
  /** Bases ticked on the emulator's consent page (default: its pre-selected ones). */
  bases?: string[];
  /** Another fetch, e.g. one trusting a self-signed CA. */
  fetch?: typeof fetch;
}

/** The emulator's consent form; `bases` ticks exactly those bases (default: its pre-selected ones). */
function consentForm(requestId: string, decision: string, bases?: string[]): string {
  const form = new URLSearchParams({ request_id: requestId, decision });
  if (bases) {
    form.set('base_selection', '1');
    for (const base of bases) form.append('base', base);
  }
  return form.toString();
}

/** The landing page's form: where it posts and its CSRF value. */
export function landingForm(body: string): { action: string; csrf: string } | undefined {
  if (!body.includes('data-page="landing"')) return undefined;
  const action = /<form method="post" action="([^"]+)"/.exec(body)?.[1];
  const csrf = /name="csrf" value="([^"]+)"/.exec(body)?.[1];
  return action && csrf ? { action, csrf } : undefined;
}

export async function browse(startUrl: string, opts: BrowseOptions = {}): Promise<BrowserResult> {
  const jar = opts.jar ?? new CookieJar();
  const trail: string[] = [];
  let url = startUrl;
  let init: RequestInit = { method: 'GET' };
  for (let hop = 0; hop < (opts.maxHops ?? 10); hop++) {
    trail.push(url);
    const headers = new Headers(init.headers);
    const cookie = jar.header(url);
    if (cookie) headers.set('cookie', cookie);
    const res = await (opts.fetch ?? fetch)(url, { ...init, headers, redirect: 'manual' });
    jar.store(url, res.headers.getSetCookie());
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url).toString();
      init = { method: 'GET' };
      if (opts.stopAt && url.startsWith(opts.stopAt)) {
        trail.push(url);
        return { status: res.status, url, body: '', trail };
      }
      continue;
    }
    const body = await res.text();
    const landing = res.status === 200 && opts.continueLanding !== false ? landingForm(body) : undefined;
    if (landing) {
      const form = new URLSearchParams({ csrf: landing.csrf, ...opts.credentials });
      url = new URL(landing.action, url).toString();
      init = {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      };
      opts = { ...opts, continueLanding: false };
      continue;
    }
    const requestId = /name="request_id"\s+value="([^"]+)"/.exec(body)?.[1];
    if (res.status === 200 && requestId && opts.decision !== undefined) {
      const action = /<form[^>]*action="([^"]+)"/.exec(body)?.[1] ?? '/oauth2/v1/authorize/consent';
      url = new URL(action, url).toString();
      init = {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: consentForm(requestId, opts.decision, opts.bases),
      };
      opts = { ...opts, decision: undefined };
      continue;
    }
    return { status: res.status, url, body, trail };
  }
  throw new Error(`too many redirects: ${trail.join(' -> ')}`);
}
