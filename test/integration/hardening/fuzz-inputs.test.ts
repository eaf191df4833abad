import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpBindings } from '../../../src/api/rest/bindings.js';
import { SERVICES } from '../../../src/api/rpc/descriptors.js';
import { fuzzParams, storeSnapshot } from '../../helpers/fuzz.js';
import { issueApiToken } from '../../helpers/latchkey.js';
import { grpcFrame } from '../../helpers/raw-rpc.js';
import { startToolsFixture, type ToolsFixture } from '../../helpers/tools-fixture.js';

/**
 * Property-based fuzzing of what callers send (issue 9, item 7): REST and RPC bodies, OAuth
 * callback queries, link pages. For every input: Latchkey answers (no crash, /healthz still up),
 * never with a 5xx, and an input it refuses changes nothing in the database.
 */
let fx: ToolsFixture;
let bearer: string;
let connectionId: string;
let linkToken: string;

beforeAll(async () => {
  fx = await startToolsFixture();
  await fx.authorize('fuzz-user');
  bearer = `Bearer ${await issueApiToken(fx.latchkey, 'fuzz')}`;
  connectionId = (await fx.latchkey.store.connections.list())[0]!.id;
  const { link } = await fx.sdk.actions.getAuthorizationLink({
    connectionName: 'airtable',
    identifier: 'fuzz-link',
  });
  linkToken = new URL(link).pathname.split('/').pop()!;
}, 120_000);

afterAll(async () => {
  await fx?.close();
});

/** Sends one fuzzed request; refused ones (>= 400) must leave the store exactly as it was. */
async function expectSafe(send: () => Promise<Response>): Promise<number> {
  const before = storeSnapshot(fx.latchkey.dataDir);
  const res = await send();
  const body = await res.text();
  // 501: a method of the SDK's services Latchkey does not implement (not a failure on bad input).
  if (res.status >= 500 && res.status !== 501) throw new Error(`HTTP ${res.status}: ${body.slice(0, 300)}`);
  if (res.status >= 400) expect(storeSnapshot(fx.latchkey.dataDir)).toBe(before);
  return res.status;
}

/** Arbitrary request bodies: JSON values, text, raw bytes. */
const anyBody = fc.oneof(
  fc.json().map((j) => Buffer.from(j)),
  fc.string().map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc
    .constantFrom('{"connector":"airtable","identifier":"x"}', '{"identifier":""}', '[]', 'null', '{')
    .map((s) => Buffer.from(s)),
);
const segment = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('ca_1', '..', '%00', '%ff', 'airtable', '-', '%2e%2e', 'a/b'),
);

const bindings = SERVICES.flatMap((s) => httpBindings(s));

describe('fuzz: REST', () => {
  it('random bodies, path parameters and queries on every REST binding', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...bindings),
        segment,
        fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 }), { maxKeys: 4 }),
        anyBody,
        async (b, param, query, body) => {
          const pathname = b.pattern.replace(/:[a-z_]+/g, encodeURIComponent(param));
          const url = new URL(`${fx.latchkey.url}${pathname}`);
          for (const [k, v] of Object.entries(query)) url.searchParams.append(k, v);
          const withBody = b.verb !== 'GET' && b.verb !== 'DELETE';
          await expectSafe(() =>
            fetch(url, {
              method: b.verb,
              headers: { authorization: bearer, 'content-type': 'application/json' },
              body: withBody ? body : undefined,
            }),
          );
        },
      ),
      fuzzParams(60),
    );
  });
});

describe('fuzz: gRPC, gRPC-web and Connect', () => {
  const methods = SERVICES.flatMap((s) => s.methods.map((m) => `/${s.typeName}/${m.name}`));

  it('random protobuf bytes and JSON never answer INTERNAL', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...methods),
        fc.constantFrom('application/proto', 'application/json', 'application/grpc-web+proto'),
        anyBody,
        async (path, type, payload) => {
          const body = type.startsWith('application/grpc-web') ? grpcFrame(payload) : payload;
          let text = '';
          await expectSafe(async () => {
            const res = await fetch(`${fx.latchkey.url}${path}`, {
              method: 'POST',
              headers: { authorization: bearer, 'content-type': type },
              body,
            });
            text = Buffer.from(await res.clone().arrayBuffer()).toString('latin1');
            return res;
          });
          expect(text).not.toMatch(/"code":"(internal|unknown)"|grpc-status: ?(13|2)\b/);
        },
      ),
      fuzzParams(80),
    );
  });
});

describe('fuzz: OAuth callback and link pages', () => {
  const query = fc.dictionary(
    fc.constantFrom('code', 'state', 'error', 'error_description', 'iss', 'scope', 'x'),
    fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('', '%', 'access_denied', 'a'.repeat(5000))),
    { maxKeys: 5 },
  );
  const cookie = fc.option(
    fc.string({ maxLength: 80 }).filter((s) => /^[\x21-\x7e ]*$/.test(s)),
    { nil: undefined },
  );

  it('callback queries (known and unknown connection ids, any cookie) are refused with a page, state untouched', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constant(connectionId), segment), query, cookie, async (id, q, c) => {
        const url = new URL(`${fx.latchkey.url}/sso/v1/oauth/${encodeURIComponent(id)}/callback`);
        for (const [k, v] of Object.entries(q)) url.searchParams.set(k, v);
        const status = await expectSafe(() =>
          fetch(url, { redirect: 'manual', headers: c === undefined ? {} : { cookie: c } }),
        );
        expect(status).toBeGreaterThanOrEqual(300);
      }),
      fuzzParams(60),
    );
  });

  it('link landing pages: any token on GET, any form on POST; a real link survives every bad form unused', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(linkToken), segment),
        fc.constantFrom('GET', 'POST'),
        fc.dictionary(fc.constantFrom('csrf', 'action', 'api_key', 'x'), fc.string({ maxLength: 60 }), {
          maxKeys: 3,
        }),
        cookie,
        async (token, method, form, c) => {
          await expectSafe(() =>
            fetch(`${fx.latchkey.url}/connect/${encodeURIComponent(token)}`, {
              method,
              redirect: 'manual',
              headers: {
                'content-type': 'application/x-www-form-urlencoded',
                'sec-fetch-site': 'same-origin',
                ...(c === undefined ? {} : { cookie: c }),
              },
              body: method === 'POST' ? new URLSearchParams(form) : undefined,
            }),
          );
        },
      ),
      fuzzParams(60),
    );
    // The real link is still usable: its landing page renders.
    const page = await fetch(`${fx.latchkey.url}/connect/${linkToken}`);
    expect(page.status).toBe(200);
  });

  it('the server is still healthy', async () => {
    expect((await fetch(`${fx.latchkey.url}/healthz`)).status).toBe(200);
  });
});
