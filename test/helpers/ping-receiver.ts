import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Ping {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on 127.0.0.1:0 that records every POST; `next()` resolves with the next one. */
export async function startPingReceiver() {
  const pings: Ping[] = [];
  const waiting: Array<(p: Ping) => void> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += String(c)));
    req.on('end', () => {
      const ping = { headers: req.headers, body };
      pings.push(ping);
      res.writeHead(204).end();
      waiting.shift()?.(ping);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/airtable-hook`,
    pings,
    /** The ping after those already received. */
    next: (): Promise<Ping> => new Promise((resolve) => waiting.push(resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
