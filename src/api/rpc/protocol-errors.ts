import type { ConnectError } from '@connectrpc/connect';
import {
  createAsyncIterable,
  encodeEnvelope,
  type UniversalServerResponse,
} from '@connectrpc/connect/protocol';
import { codeToHttpStatus, errorToJsonBytes } from '@connectrpc/connect/protocol-connect';
import { setTrailerStatus } from '@connectrpc/connect/protocol-grpc';
import { trailerFlag, trailerParse, trailerSerialize } from '@connectrpc/connect/protocol-grpc-web';
import { AppError } from '../../errors/index.js';
import { toConnectError } from './errors.js';

export type RpcProtocol = 'grpc' | 'grpc-web' | 'connect';

/** The RPC protocol a request speaks, from its content type (what connect's handlers match on). */
export function rpcProtocolOf(contentType: string | undefined): RpcProtocol {
  const type = (contentType ?? '').toLowerCase();
  if (/^application\/grpc-web(-text)?([+;]|$)/.test(type)) return 'grpc-web';
  if (/^application\/grpc([+;]|$)/.test(type)) return 'grpc';
  return 'connect';
}

/**
 * A complete error answer in the request's own protocol, written without reading its body:
 * gRPC trailers-only (status in the headers), gRPC-web (a trailer frame), Connect unary JSON.
 */
export function rpcErrorResponse(
  protocol: RpcProtocol,
  contentType: string | undefined,
  error: ConnectError,
): UniversalServerResponse {
  const json = /json/i.test(contentType ?? '');
  if (protocol === 'grpc') {
    const header = new Headers({ 'content-type': json ? 'application/grpc+json' : 'application/grpc+proto' });
    setTrailerStatus(header, error);
    return { status: 200, header };
  }
  if (protocol === 'grpc-web') {
    const trailer = setTrailerStatus(new Headers(), error);
    const header = new Headers({
      'content-type': json ? 'application/grpc-web+json' : 'application/grpc-web+proto',
    });
    return {
      status: 200,
      header,
      body: createAsyncIterable([encodeEnvelope(trailerFlag, trailerSerialize(trailer))]),
    };
  }
  const body = errorToJsonBytes(error, {});
  return {
    status: codeToHttpStatus(error.code),
    header: new Headers({ 'content-type': 'application/json', 'content-length': String(body.byteLength) }),
    body: createAsyncIterable([body]),
  };
}

/** connect-es reports an undecodable protobuf request as INTERNAL "parse binary: …"; it is the caller's. */
const PARSE_FAILURE = /^parse binary:/;
const malformed = () =>
  toConnectError(new AppError('INVALID_ARGUMENT', 'The request message could not be decoded.'));

function isParseFailure(status: string | null, message: string | null): boolean {
  if (status !== '13' || message === null) return false;
  try {
    return PARSE_FAILURE.test(decodeURIComponent(message));
  } catch {
    return false;
  }
}

async function* rewriteTrailerFrames(body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  for await (const chunk of body) {
    const length = chunk.length >= 5 ? new DataView(chunk.buffer, chunk.byteOffset).getUint32(1) : -1;
    if (chunk[0] === trailerFlag && length === chunk.length - 5) {
      const trailer = trailerParse(chunk.subarray(5));
      if (isParseFailure(trailer.get('grpc-status'), trailer.get('grpc-message'))) {
        yield encodeEnvelope(trailerFlag, trailerSerialize(setTrailerStatus(new Headers(), malformed())));
        continue;
      }
    }
    yield chunk;
  }
}

/**
 * Turns connect's INTERNAL "parse binary" answer (malformed protobuf from the caller) into
 * INVALID_ARGUMENT with our ErrorInfo, in each protocol's own framing. Every other answer passes.
 */
export async function withMalformedAsInvalid(
  protocol: RpcProtocol,
  contentType: string | undefined,
  res: UniversalServerResponse,
): Promise<UniversalServerResponse> {
  if (protocol === 'grpc') {
    for (const target of [res.header, res.trailer]) {
      if (
        target instanceof Headers &&
        isParseFailure(target.get('grpc-status'), target.get('grpc-message'))
      ) {
        target.delete('grpc-message');
        setTrailerStatus(target, malformed());
      }
    }
    return res;
  }
  if (protocol === 'grpc-web') {
    const body = res.body;
    if (body === undefined || body instanceof Uint8Array) return res;
    return { ...res, body: rewriteTrailerFrames(body) };
  }
  if (res.status !== 500 || res.body === undefined) return res;
  const chunks: Uint8Array[] = [];
  if (res.body instanceof Uint8Array) chunks.push(res.body);
  else for await (const chunk of res.body) chunks.push(chunk);
  const bytes = Buffer.concat(chunks);
  let parsed: { code?: unknown; message?: unknown } = {};
  try {
    parsed = JSON.parse(bytes.toString('utf8')) as typeof parsed;
  } catch {
    // not connect's error JSON: pass it on as it was
  }
  if (parsed.code === 'internal' && typeof parsed.message === 'string' && PARSE_FAILURE.test(parsed.message))
    return rpcErrorResponse('connect', contentType, malformed());
  return { ...res, body: createAsyncIterable([bytes]) };
}
