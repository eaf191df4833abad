import type { IncomingMessage, ServerResponse } from 'node:http';

/** Where the bench's bulk routes live on the emulator's origin (Airtable has nothing that big). */
export const BULK_PATH = '/v0/_bench/bulk';

const CHUNK = Buffer.alloc(64 * 1024, 0x61);

/** `GET ?bytes=N`: N bytes, written as the client takes them (backpressure honoured). */
function download(res: ServerResponse, bytes: number): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes) });
  let left = bytes;
  const pump = () => {
    while (left > 0) {
      const chunk = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
      left -= chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}

/** `POST`: reads the whole body as it comes, answers how many bytes arrived. */
function upload(req: IncomingMessage, res: ServerResponse): void {
  let bytes = 0;
  req.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ bytes }));
  });
}

/** The emulator's `extraRoutes`: the bulk download and upload; true when it answered. */
export function bulkRoutes(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? '';
  if (!url.startsWith(BULK_PATH)) return false;
  if (req.method === 'POST') upload(req, res);
  else download(res, Number(new URL(url, 'http://x').searchParams.get('bytes') ?? 0));
  return true;
}
