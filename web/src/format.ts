/** "in 42m", "3d ago" — how far a time is from now. */
export function relative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const d = Date.parse(iso) - now;
  const abs = Math.abs(d);
  const [n, unit] =
    abs < 60_000
      ? [Math.round(abs / 1000), 's']
      : abs < 3_600_000
        ? [Math.round(abs / 60_000), 'm']
        : abs < 172_800_000
          ? [Math.round(abs / 3_600_000), 'h']
          : [Math.round(abs / 86_400_000), 'd'];
  return d >= 0 ? `in ${n}${unit}` : `${n}${unit} ago`;
}

export const dateTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
