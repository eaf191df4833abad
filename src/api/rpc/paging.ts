import { AppError } from '../../errors/index.js';

/** Offset page tokens shared by the list RPCs: opaque base64url of `o:<offset>`. */
export const encodePageToken = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');

export function decodePageToken(token: string): number {
  if (!token) return 0;
  const m = /^o:(\d{1,9})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m?.[1]) throw new AppError('INVALID_ARGUMENT', 'page_token: is not a page token from this server.');
  return Number(m[1]);
}

/** One page of `items` with the Scalekit list-response paging fields. */
export function page<T>(items: T[], pageToken: string | undefined, pageSize: number) {
  const offset = decodePageToken(pageToken ?? '');
  const end = offset + pageSize;
  return {
    items: items.slice(offset, end),
    info: {
      totalSize: items.length,
      nextPageToken: end < items.length ? encodePageToken(end) : '',
      prevPageToken: offset > 0 ? encodePageToken(Math.max(0, offset - pageSize)) : '',
    },
  };
}
