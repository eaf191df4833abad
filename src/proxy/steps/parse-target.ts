import { AppError } from '../../errors/index.js';
import { hasControlChar } from '../../shared/chars.js';

/** The provider path and query a /proxy request asks for, exactly as the caller wrote them. */
export interface ProxyTarget {
  /** Starts with `/`; still percent-encoded. */
  path: string;
  /** `''` or `?…`, untouched. */
  search: string;
}

const PREFIX = '/proxy';
/** Printable ASCII only: no controls, spaces, DEL or raw non-ASCII bytes anywhere in the target. */
const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;
const PERCENT_BYTE = /%([0-9a-fA-F]{2})/g;
/** Rounds of percent-decoding a segment gets before the checks (catches `%252e`-style double encoding). */
const DECODE_ROUNDS = 4;

function invalid(reason: string): AppError {
  return new AppError('PROXY_PATH_INVALID', `The proxy path is not allowed: ${reason}.`);
}

/** Tolerant, repeated percent-decoding, for inspection only (the path is forwarded as written). */
function decodeForCheck(segment: string): string {
  let current = segment;
  for (let i = 0; i < DECODE_ROUNDS; i++) {
    const next = current.replace(PERCENT_BYTE, (_m, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
    if (next === current) break;
    current = next;
  }
  return current;
}

function checkSegment(raw: string): void {
  const decoded = decodeForCheck(raw);
  // `..;x` is a dot segment to some servers (path parameters), so compare before any `;`.
  const bare = decoded.split(';', 1)[0];
  if (bare === '.' || bare === '..') throw invalid('dot segments are not allowed');
  if (decoded.includes('/')) throw invalid('encoded slashes are not allowed');
  if (decoded.includes('\\')) throw invalid('backslashes are not allowed');
  if (hasControlChar(decoded)) throw invalid('control characters are not allowed');
}

/**
 * Takes the provider path from the RAW request target (never a normalised one) and rejects
 * anything that could leave the provider's origin or its API base path, or smuggle bytes:
 * absolute-form targets, `//` at the start, backslashes, encoded slashes, dot segments (raw or
 * encoded, any case, repeated encoding), control characters (raw or encoded) and fragments.
 * Runs before any lookup or upstream call.
 */
export function parseTarget(rawUrl: string | undefined): ProxyTarget {
  const url = rawUrl ?? '';
  if (!url.startsWith(`${PREFIX}/`)) throw invalid('the request target must start with /proxy/');
  const rest = url.slice(PREFIX.length);
  if (!PRINTABLE_ASCII.test(rest)) throw invalid('only printable ASCII is allowed; percent-encode the rest');
  if (rest.includes('#')) throw invalid('fragments are not allowed');
  if (rest.includes('\\')) throw invalid('backslashes are not allowed');
  const q = rest.indexOf('?');
  const path = q === -1 ? rest : rest.slice(0, q);
  const search = q === -1 ? '' : rest.slice(q);
  if (path.startsWith('//')) throw invalid('the path must not start with //');
  for (const segment of path.slice(1).split('/')) checkSegment(segment);
  return { path, search };
}
