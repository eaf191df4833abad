/**
 * Helpers for the README's generated sections (the SDK compatibility table, the feature status
 * table): a padded Markdown table, and the replacement of a section between two marker comments.
 */

/** A Markdown table whose columns are padded to their widest cell (what Biome's formatter keeps). */
export function markdownTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const rule = `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)];
}

/** `text` with everything from the `start` marker to the `end` marker replaced by `section` (which carries both). */
export function replaceSection(text: string, start: string, end: string, section: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1 || to < from) throw new Error(`no generated section marked ${start}`);
  return text.slice(0, from) + section + text.slice(to + end.length);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, each space a hyphen. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}
