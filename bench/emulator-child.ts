import type { AirtableEmulator } from '../src/emulators/airtable/index.js';
import { type EmulatorModule, fromDist } from './dist.js';
import { processUsage, serve } from './ipc.js';

const { startAirtableEmulator } = await fromDist<EmulatorModule>('emulators/airtable/index.js');

/** The Airtable emulator in its own process: no rate limit, day-long access tokens. */
let emulator: AirtableEmulator | undefined;

function running(): AirtableEmulator {
  if (!emulator) throw new Error('emulator not started');
  return emulator;
}

const handlers = {
  async start(arg: { clientId: string; clientSecret: string; redirectUris: string[] }) {
    emulator = await startAirtableEmulator({
      host: '127.0.0.1',
      port: 0,
      clientId: arg.clientId,
      clientSecret: arg.clientSecret,
      redirectUris: arg.redirectUris,
      rateLimitPerSecond: 0,
      accessTokenTtlSec: 86_400,
    });
    const { url, authorizeUrl, tokenUrl, apiBaseUrl } = emulator;
    return { url, authorizeUrl, tokenUrl, apiBaseUrl };
  },
  stats: () => running().stats(),
  usage: (arg?: { gc?: boolean }) => processUsage(arg),
  close: () => emulator?.close(),
};

export type EmulatorApi = typeof handlers;

serve(handlers);
