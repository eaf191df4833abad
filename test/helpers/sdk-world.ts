import { ScalekitClient, ScalekitServerException } from '@scalekit-sdk/node';
import { expect } from 'vitest';
import type { Scope } from '../../src/api/auth/scopes.js';
import type { AirtableEmulator } from '../../src/emulators/airtable/index.js';
import { connectAirtableEmulator, startTestLatchkey, type TestLatchkey } from './latchkey.js';

/** What the SDK threw, for assertions on its wire-derived fields. */
export async function sdkError(p: Promise<unknown>): Promise<ScalekitServerException> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ScalekitServerException);
  return err as ScalekitServerException;
}

/** The message the server sent (the SDK keeps the ConnectError's, `[code] text`). */
export const messageOf = (e: ScalekitServerException) =>
  String((e as unknown as { _message: string })._message ?? e.message);

/**
 * Records which methods of an SDK client object are called, so a test can prove it called them all.
 * Methods called by other methods (`getOrCreate` → `getConnectedAccountByIdentifier`) are not counted.
 */
export function recording<T extends object>(target: T, ns: string, called: Set<string>): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]) => {
        called.add(`${ns}.${prop}`);
        return (value as (...a: unknown[]) => unknown).apply(obj, args);
      };
    },
  });
}

export interface SdkWorld {
  latchkey: TestLatchkey;
  emulator: AirtableEmulator;
  /** A Scalekit SDK for a new API client with these scopes (and connection limits). */
  sdk(scopes: Scope[], connections?: string[]): Promise<ScalekitClient>;
  close(): Promise<void>;
}

/** A real Latchkey, the Airtable emulator behind an `airtable` connection, and SDK clients on demand. */
export async function startSdkWorld(env: Record<string, string> = {}): Promise<SdkWorld> {
  const latchkey = await startTestLatchkey({ LATCHKEY_REFRESHER: 'off', ...env });
  const { emulator } = await connectAirtableEmulator(latchkey, {
    emulator: { personalAccessTokens: ['patWorld.secret'] },
  });
  let n = 0;
  return {
    latchkey,
    emulator,
    async sdk(scopes, connections) {
      const { client, secret } = await latchkey.store.apiClients.create(`sdk-${++n}`, Date.now(), {
        scopes,
        connections: connections ?? null,
      });
      return new ScalekitClient(latchkey.url, client.id, secret);
    },
    async close() {
      await emulator.close();
      await latchkey.close();
    },
  };
}
