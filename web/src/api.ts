/** The dashboard API client: same origin, JSON, the session's CSRF token on every mutation. */
let csrf = '';
let onSignedOut: () => void = () => {};

export const setCsrf = (token: string) => {
  csrf = token;
};
export const whenSignedOut = (fn: () => void) => {
  onSignedOut = fn;
};

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

/** What a failed request says to the user: the API's message, or the thrown thing as text. */
export const errorText = (err: unknown): string => (err instanceof ApiError ? err.message : String(err));

interface GatewayError {
  message?: string;
  details?: Array<{ error_code?: string }>;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrf;
  const res = await fetch(`/dashboard/api${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const data = (await res.json().catch(() => ({}))) as T & GatewayError;
  if (!res.ok) {
    const code = data.details?.[0]?.error_code ?? 'ERROR';
    if (code === 'ADMIN_SESSION_REQUIRED') onSignedOut();
    throw new ApiError(data.message ?? `Request failed (${res.status})`, res.status, code);
  }
  return data;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const del = <T>(path: string) => api<T>('DELETE', path);

/** Query string from the set values only. */
export const qs = (params: Record<string, string | null | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
};
