import type { PackedCalls, ProxyCall } from '../../src/store/index.js';
import { type BatchRow, unpackBatch } from '../../src/store/proxy-call-batch.js';

/** The calls of one packed batch, as the store reads them back once written. */
export function readPacked(b: PackedCalls): ProxyCall[] {
  return unpackBatch({
    connection_id: b.connectionId,
    connected_account_id: b.connectedAccountId,
    payload: b.payload,
  } as BatchRow);
}
