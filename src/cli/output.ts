/** Machine output: one JSON document on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function printLines(...lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** A fixed-width table for humans. */
export function printTable(rows: Array<Record<string, string>>, empty = 'Nothing yet.'): void {
  if (rows.length === 0) {
    printLines(empty);
    return;
  }
  const cols = Object.keys(rows[0]!);
  const width = (c: string) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length));
  const line = (cells: string[]) =>
    cells
      .map((v, i) => v.padEnd(width(cols[i]!)))
      .join('  ')
      .trimEnd();
  printLines(line(cols.map((c) => c.toUpperCase())), ...rows.map((r) => line(cols.map((c) => r[c] ?? ''))));
}
