import { type ProviderSession, sendToProvider } from './provider-call.js';
import { buildWireRequest } from './request.js';
import { MAX_PAGES_PARAM } from './types.js';

export type JsonObject = Record<string, unknown>;

/** A batched write that failed after earlier batches were written. */
export class PartialFailure extends Error {
  constructor(
    /** Items written, in input order (their ids when the provider returned them). */
    readonly written: unknown[],
    /** Input positions [from, to] (0-based, inclusive) of the batch that failed. */
    readonly failed: [number, number],
    /** Input positions [from, to] never sent; undefined when the failed batch was the last. */
    readonly notSent: [number, number] | undefined,
    /** What the failed batch got (ProviderRefusal, ProviderUnreachable or an AppError). */
    readonly failure: unknown,
  ) {
    super('partial failure');
  }
}

const asObject = (value: unknown): JsonObject =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : { result: value };

const idOf = (item: unknown) =>
  item && typeof item === 'object' && 'id' in item ? (item as { id: unknown }).id : item;

/** Sends `input[batch.input]` `size` items at a time, in order, stopping at the first failure. */
async function runBatches(s: ProviderSession): Promise<JsonObject> {
  const batch = s.tool.definition.request.batch!;
  const items = s.input[batch.input] as unknown[];
  const rest = { ...s.input, [batch.input]: undefined };
  let merged: JsonObject = {};
  const collected = new Map<string, unknown[]>(batch.collect.map((k) => [k, []]));
  for (let from = 0; from < items.length; from += batch.size) {
    const chunk = items.slice(from, from + batch.size);
    const parts =
      batch.into === 'body'
        ? { body: { [batch.as]: chunk } }
        : { query: [[batch.as, chunk]] as Array<[string, unknown]> };
    let answer: JsonObject;
    try {
      answer = asObject(
        await sendToProvider(s, buildWireRequest(s.tool, s.resolved.connection, rest, parts)),
      );
    } catch (err) {
      if (from === 0) throw err;
      const to = Math.min(from + batch.size, items.length) - 1;
      const notSent: [number, number] | undefined =
        to + 1 < items.length ? [to + 1, items.length - 1] : undefined;
      const written = (collected.get(batch.collect[0]!) ?? []).map(idOf);
      throw new PartialFailure(written, [from, to], notSent, err);
    }
    for (const [key, list] of collected) {
      const part = answer[key];
      if (Array.isArray(part)) list.push(...part);
    }
    merged = answer;
  }
  for (const [key, list] of collected) if (key in merged || list.length > 0) merged[key] = list;
  return merged;
}

/** Follows the provider's cursor up to `max_pages` pages; the items of every page are concatenated. */
async function runPages(s: ProviderSession): Promise<JsonObject> {
  const pages = s.tool.definition.request.pages!;
  const maxPages = Number(s.input[MAX_PAGES_PARAM] ?? 1);
  const cursorInput = Object.entries(s.tool.definition.request.query ?? {}).find(
    ([, to]) => to === pages.cursorParam,
  )?.[0];
  let input = s.input;
  const items: unknown[] = [];
  let last: JsonObject = {};
  for (let page = 1; ; page++) {
    last = asObject(await sendToProvider(s, buildWireRequest(s.tool, s.resolved.connection, input)));
    const got = last[pages.items];
    if (Array.isArray(got)) items.push(...got);
    const cursor = last[pages.cursorField];
    const more = pages.moreField === undefined ? true : last[pages.moreField] === true;
    const progressed =
      cursor !== undefined && cursor !== null && cursor !== (cursorInput ? input[cursorInput] : undefined);
    if (page >= maxPages || !more || !progressed || !cursorInput) break;
    input = { ...input, [cursorInput]: cursor };
  }
  return { ...last, [pages.items]: items };
}

/** Runs the tool's request(s) and returns the data for the caller (always a JSON object). */
export async function runRequests(s: ProviderSession): Promise<JsonObject> {
  const spec = s.tool.definition.request;
  if (spec.batch) return runBatches(s);
  if (spec.pages) return runPages(s);
  return asObject(await sendToProvider(s, buildWireRequest(s.tool, s.resolved.connection, s.input)));
}
