import { createServer, type IncomingHttpHeaders, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { Agent } from 'undici';
import { processUsage, serve } from './ipc.js';

/**
 * The floor for any Node.js proxy: a bare forwarder with the same building blocks as Latchkey's
 * /proxy (node:http in, an undici Agent out, stream.pipeline back) and nothing else — no auth,
 * no database, no header filtering beyond hop-by-hop. The app sends the provider token itself.
 * Latchkey minus this = the cost of Latchkey's own logic; this minus direct = the cost of a hop.
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
]);

function strip(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}

let server: Server | undefined;
const agent = new Agent({ keepAliveTimeout: 30_000 });

const handlers = {
  async start(arg: { upstream: string }) {
    server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
      agent
        .request({
          origin: arg.upstream,
          path: (req.url ?? '/').replace(/^\/proxy/, ''),
          method: (req.method ?? 'GET') as 'GET',
          headers: strip(req.headers) as Record<string, string>,
        })
        .then(async (up) => {
          res.writeHead(up.statusCode, strip(up.headers));
          await pipeline(up.body, res);
        })
        .catch(() => {
          if (!res.headersSent) res.writeHead(502).end();
          else res.destroy();
        });
    });
    const s = server;
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}` };
  },
  usage: (arg?: { gc?: boolean }) => processUsage(arg),
  async close() {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    await agent.close();
  },
};

export type ForwarderApi = typeof handlers;

serve(handlers);
