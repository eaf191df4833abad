/**
 * "in 42m", "3d ago": how far `ms` (epoch milliseconds) is from `now`, for people reading a table.
 * No imports: the dashboard (web/src/format.ts) bundles this file as the CLI uses it.
 */
export function fromNow(ms: number, now = Date.now()): string {
  const d = ms - now;
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
