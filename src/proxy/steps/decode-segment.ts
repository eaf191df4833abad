const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const HEX = /^[0-9a-fA-F]{2}$/;

/**
 * Percent-decodes one path segment exactly once, as strict UTF-8: undefined when an escape is
 * malformed or the bytes are not valid UTF-8 (overlong forms such as `%C0%AE`, surrogates, stray
 * continuation bytes — the WHATWG decoder in fatal mode refuses them all).
 */
export function decodeSegment(raw: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c !== 0x25) {
      bytes.push(c);
      continue;
    }
    const hex = raw.slice(i + 1, i + 3);
    if (!HEX.test(hex)) return undefined;
    bytes.push(Number.parseInt(hex, 16));
    i += 2;
  }
  try {
    return utf8.decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}
