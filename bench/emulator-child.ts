import type { AirtableEmulator } from '../src/emulators/airtable/index.js';
import { bulkRoutes } from './bulk-routes.js';
import { type EmulatorModule, fromDist } from './dist.js';
import { processUsage, serve } from './ipc.js';

const { startAirtableEmulator } = await fromDist<EmulatorModule>('emulators/airtable/index.js');

/**
 * The Airtable emulator in its own process: no API rate limit, day-long access tokens; the token
 * endpoint limited only when asked (the storm run); plus the bulk routes (bulk-routes.ts).
 */
let emulator: AirtableEmulator | undefined;
let sampler: { timer: NodeJS.Timeout; samples: Array<[at: number, refreshes: number]> } | undefined;

function running(): AirtableEmulator {
  if (!emulator) throw new Error('emulator not started');
  return emulator;
}

const handlers = {
  async start(arg: {
    clientId: string;
    clientSecret: string;
    redirectUris: string[];
    tokenRateLimitPerSecond?: number;
  }) {
    emulator = await startAirtableEmulator({
      host: '127.0.0.1',
      port: 0,
      rateLimitPerSecond: 0,
      accessTokenTtlSec: 86_400,
      extraRoutes: bulkRoutes,
      ...arg,
    });
    const { url, authorizeUrl, tokenUrl, apiBaseUrl } = emulator;
    return { url, authorizeUrl, tokenUrl, apiBaseUrl };
  },
  /** `count` grants minted in process (no OAuth dance), access tokens living `accessTtlSec`. */
  seedGrants: (arg: { count: number; accessTtlSec: number }) =>
    running().seedGrants(arg.count, { accessTtlSec: arg.accessTtlSec }),
  /** Records the refresh counter every `everyMs` until `samples` is called. */
  sampleRefreshes(arg: { everyMs: number }) {
    const emu = running();
    const samples: Array<[number, number]> = [[Date.now(), emu.stats().refreshes]];
    const timer = setInterval(() => samples.push([Date.now(), emu.stats().refreshes]), arg.everyMs);
    sampler = { timer, samples };
  },
  samples() {
    if (!sampler) return [];
    clearInterval(sampler.timer);
    const { samples } = sampler;
    samples.push([Date.now(), running().stats().refreshes]);
    sampler = undefined;
    return samples;
  },
  stats: () => running().stats(),
  usage: (arg?: { gc?: boolean }) => processUsage(arg),
  close: () => emulator?.close(),
};

export type EmulatorApi = typeof handlers;

serve(handlers);
