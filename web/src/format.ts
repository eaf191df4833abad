import { fromNow } from '../../src/shared/relative-time';

/** "in 42m", "3d ago" — how far a time is from now. */
export const relative = (iso: string | null | undefined, now = Date.now()): string =>
  iso ? fromNow(Date.parse(iso), now) : '—';

export const dateTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
