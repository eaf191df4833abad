import { AppError } from '../../errors/index.js';
import { hasControlChar } from '../../shared/chars.js';
import { decodeSegment } from './decode-segment.js';

/** The provider path and query a /proxy request asks for, exactly as the caller wrote them. */
export interface ProxyTarget {
  /** Starts with `/`; still percent-encoded. */
  path: string;
  /** `''` or `?…`, untouched. */
  search: string;
}

const PREFIX = '/proxy';
/** Printable ASCII only: no controls, spaces, DEL or raw non-ASCII bytes anywhere in the target. */
/** A percent sign that does not start a `%XX` escape (`%u002e`, `%g1`, a lone `%`). */
const BAD_ESCAPE = /%(?![0-9a-fA-F]{2})/;
/** A `%XX` escape left after one decoding: the caller encoded twice (`%252e`). */
const STILL_ESCAPED = /%[0-9a-fA-F]{2}/;
/**
 * Characters some servers, frameworks or normalisers (NFKC, IDNA) turn into `.`, `/` or `\`:
 * one-dot leader, small and full-width full stops, ideographic and half-width ideographic full
 * stops, fraction, division and full-width slashes, small and full-width reverse solidus…
 */
const LOOK_ALIKES = /[\u2024\uFE52\uFF0E\u3002\uFF61\u2044\u2215\u29F8\uFF0F\uFE68\uFF3C\u29F5\u2216]/;

export function invalidPath(reason: string): AppError {
  return new AppError('PROXY_PATH_INVALID', `The proxy path is not allowed: ${reason}.`);
}

/** Each segment is decoded exactly once (strict UTF-8) and checked; what is forwarded is the raw text. */
function checkSegment(raw: string): void {
  if (BAD_ESCAPE.test(raw)) throw invalidPath('only %XX escapes are allowed (no %u escapes)');
  const decoded = decodeSegment(raw);
  if (decoded === undefined) throw invalidPath('escapes must encode valid UTF-8 (no overlong forms)');
  if (STILL_ESCAPED.test(decoded)) throw invalidPath('double percent-encoding is not allowed');
  if (LOOK_ALIKES.test(decoded))
    throw invalidPath('characters that look like dots or slashes are not allowed');
  // `..;x` is a dot segment to some servers (path parameters), so compare before any `;`.
  const bare = decoded.split(';', 1)[0];
  if (bare === '.' || bare === '..') throw invalidPath('dot segments are not allowed');
  if (decoded.includes('/')) throw invalidPath('encoded slashes are not allowed');
  if (decoded.includes('\\')) throw invalidPath('backslashes are not allowed');
  if (hasControlChar(decoded) || /[\u0080-\u009f]/.test(decoded)) {
    throw invalidPath('control characters are not allowed');
  }
  // Anything NFKC folds into a dot, slash or backslash is a look-alike too.
  if (countSpecial(decoded.normalize('NFKC')) !== countSpecial(decoded)) {
    throw invalidPath('characters that look like dots or slashes are not allowed');
  }
}

/** How many `.`, `/` and `\\` a string holds. */
function countSpecial(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2e || c === 0x2f || c === 0x5c) n++;
  }
  return n;
}

/**
 * Takes the provider path from the RAW request target (never a normalised one) and rejects
 * anything that could leave the provider's origin or its API base path, or smuggle bytes:
 * absolute-form targets, `//` at the start, backslashes, encoded slashes, dot segments (raw or
 * encoded, any case), control characters (raw or encoded), fragments, `%u` and malformed escapes,
 * invalid or overlong UTF-8, double encoding, and dot or slash look-alikes. Each segment is
 * decoded once for these checks; the path is forwarded as written. Runs before any lookup or
 * upstream call.
 */
/** True when `path[from, to)` is `.` or `..`, compared before any `;` (path parameters). */
function isDotSegment(path: string, from: number, to: number): boolean {
  const semi = path.indexOf(';', from);
  const end = semi !== -1 && semi < to ? semi : to;
  const n = end - from;
  return (n === 1 || n === 2) && path.charCodeAt(from) === 0x2e && path.charCodeAt(end - 1) === 0x2e;
}

export function parseTarget(rawUrl: string | undefined): ProxyTarget {
  const url = rawUrl ?? '';
  if (!url.startsWith(`${PREFIX}/`)) throw invalidPath('the request target must start with /proxy/');
  // One pass over the characters (no regex, no allocation): the checks are reported in this order.
  let unprintable = false;
  let fragment = false;
  let backslash = false;
  let q = -1;
  let escaped = false;
  for (let i = PREFIX.length; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) unprintable = true;
    else if (c === 0x23) fragment = true;
    else if (c === 0x5c) backslash = true;
    else if (c === 0x3f) q = q === -1 ? i : q;
    else if (c === 0x25 && q === -1) escaped = true;
  }
  if (unprintable) throw invalidPath('only printable ASCII is allowed; percent-encode the rest');
  if (fragment) throw invalidPath('fragments are not allowed');
  if (backslash) throw invalidPath('backslashes are not allowed');
  const path = q === -1 ? url.slice(PREFIX.length) : url.slice(PREFIX.length, q);
  const search = q === -1 ? '' : url.slice(q);
  if (path.startsWith('//')) throw invalidPath('the path must not start with //');
  if (escaped) {
    for (const segment of path.slice(1).split('/')) checkSegment(segment);
  } else {
    for (let from = 1; from <= path.length; ) {
      let to = path.indexOf('/', from);
      if (to === -1) to = path.length;
      if (isDotSegment(path, from, to)) throw invalidPath('dot segments are not allowed');
      from = to + 1;
    }
  }
  return { path, search };
}
