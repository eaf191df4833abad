import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import {
  createServer as createH2Server,
  type Http2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { Agent } from 'undici';
import { memorySampler, processUsage, serve } from './ipc.js';

/**
 * The strongest bare forwarder, the limit for any Node.js proxy: node:http (and node:http2 for
 * h2c) in, an undici Agent out, the answer's body piped back with `.pipe()` (a request body, the
 * bulk upload, streamed out as it comes) — no per-request AbortSignal, no stream.pipeline(), no
 * auth, no database, no header policy beyond hop-by-hop.
 * The app sends the provider token itself. Latchkey minus this = the cost of Latchkey's own logic.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
  'http2-settings',
]);

function strip(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const k in headers) {
    const v = headers[k];
    if (v !== undefined && k[0] !== ':' && !HOP_BY_HOP.has(k)) out[k] = v;
  }
  return out;
}

let server: Server | undefined;
let h2: Http2Server | undefined;
const agent = new Agent({ keepAliveTimeout: 30_000 });

function forward(upstream: string) {
  return (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => {
    agent
      .request({
        origin: upstream,
        path: (req.url ?? '/').replace(/^\/proxy/, ''),
        method: (req.method ?? 'GET') as 'GET',
        headers: strip(req.headers),
        // A request body streams through as it comes (the bulk upload); GETs have none.
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : (req as Readable),
      })
      .then((up) => {
        res.writeHead(up.statusCode, strip(up.headers));
        up.body.pipe(res as NodeJS.WritableStream);
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(502).end();
        else res.destroy();
      });
  };
}

async function listen(s: Server | Http2Server): Promise<string> {
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

const handlers = {
  async start(arg: { upstream: string }) {
    server = createServer({ keepAliveTimeout: 65_000 }, forward(arg.upstream));
    h2 = createH2Server({}, forward(arg.upstream));
    return { url: await listen(server), h2Url: await listen(h2) };
  },
  usage: (arg?: { gc?: boolean }) => processUsage(arg),
  ...memorySampler(),
  async close() {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    await new Promise((resolve) => h2?.close(resolve) ?? resolve(undefined));
    await agent.close();
  },
};

export type ForwarderApi = typeof handlers;

serve(handlers);
