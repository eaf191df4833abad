import { readFileSync } from 'node:fs';
import { Code } from '@connectrpc/connect';
import { describe, expect, it } from 'vitest';
import { ERROR_TABLE, type ErrorCode } from './codes.js';
import { AppError, gatewayErrorBody, toAppError } from './index.js';

const docs = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
/** Rows of the code table in docs/errors.md: `code` → [http, grpc] cells, whitespace-insensitive. */
const documented = new Map(
  docs
    .split('\n')
    .map((line) => line.split('|').map((cell) => cell.trim()))
    .filter((cells) => /^`[A-Z_]+`$/.test(cells[1] ?? '') && /^\d{3}$/.test(cells[2] ?? ''))
    .map((cells) => [cells[1]!.slice(1, -1), [cells[2], cells[3]]] as const),
);

describe('error table', () => {
  it.each(Object.entries(ERROR_TABLE))(
    '%s is documented with its HTTP status and gRPC code',
    (code, entry) => {
      expect(documented.get(code)).toEqual([String(entry.http), `${Code[entry.grpc]} (${entry.grpc})`]);
    },
  );

  it('documents no code that the table lacks', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(ERROR_TABLE).sort());
  });

  it('uses the grpc-gateway HTTP status for each gRPC code', () => {
    const gateway: Partial<Record<Code, number[]>> = {
      [Code.InvalidArgument]: [400, 415],
      [Code.Unauthenticated]: [401],
      [Code.PermissionDenied]: [403, 400],
      [Code.NotFound]: [404],
      [Code.AlreadyExists]: [409],
      [Code.FailedPrecondition]: [400, 410],
      [Code.ResourceExhausted]: [413, 429],
      [Code.Unavailable]: [502, 503],
      [Code.DeadlineExceeded]: [504],
      [Code.Internal]: [500],
      // grpc-gateway answers a method its routes do not serve with 405 and Unimplemented.
      [Code.Unimplemented]: [501, 405],
    };
    for (const [code, entry] of Object.entries(ERROR_TABLE)) {
      expect(gateway[entry.grpc], code).toContain(entry.http);
    }
  });
});

describe('AppError', () => {
  it('exposes the table entry and a gateway body', () => {
    const err = new AppError('CONNECTION_NOT_FOUND', 'No connection named "x".');
    expect(err.httpStatus).toBe(404);
    expect(err.grpcCode).toBe(Code.NotFound);
    expect(gatewayErrorBody(err)).toEqual({
      code: 5,
      message: 'No connection named "x".',
      details: [
        {
          '@type': 'type.googleapis.com/scalekit.v1.errdetails.ErrorInfo',
          error_code: 'CONNECTION_NOT_FOUND',
        },
      ],
    });
  });

  it('hides unknown errors behind INTERNAL without their message', () => {
    const cause = new Error('secret-token-123 leaked in a driver message');
    const err = toAppError(cause);
    expect(err.code satisfies ErrorCode).toBe('INTERNAL');
    expect(err.message).not.toContain('secret-token-123');
    expect(err.cause).toBe(cause);
  });
});

describe('TOOL_ERROR', () => {
  it.each([
    [401, 401, Code.Unauthenticated],
    [403, 403, Code.PermissionDenied],
    [429, 429, Code.ResourceExhausted],
    [422, 500, Code.Internal],
    [503, 500, Code.Internal],
    [undefined, 500, Code.Internal],
  ])('mirrors provider status %s as HTTP %s / gRPC %s', (providerStatus, http, grpc) => {
    const err = new AppError('TOOL_ERROR', 'x', { providerStatus });
    expect([err.httpStatus, err.grpcCode]).toEqual([http, grpc]);
  });

  it('carries tool_error_info in the gateway body', () => {
    const info = { execution_id: 'exe_1', tool_error_code: 'FORBIDDEN', tool_error_message: 'no' };
    const body = gatewayErrorBody(
      new AppError('TOOL_ERROR', 'x', { providerStatus: 403, details: { tool_error_info: info } }),
    );
    expect(body).toMatchObject({ code: 7, details: [{ error_code: 'TOOL_ERROR', tool_error_info: info }] });
  });
});
