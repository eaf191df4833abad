import type { AppError } from './app-error.js';

export const ERROR_INFO_TYPE = 'type.googleapis.com/scalekit.v1.errdetails.ErrorInfo';

/** The grpc-gateway style body used by REST and by Latchkey's own /proxy failures. */
export interface GatewayErrorBody {
  code: number;
  message: string;
  details: Array<{ '@type': string; error_code: string; [k: string]: unknown }>;
}

export function gatewayErrorBody(err: AppError): GatewayErrorBody {
  return {
    code: err.grpcCode,
    message: err.message,
    details: [{ '@type': ERROR_INFO_TYPE, error_code: err.code, ...(err.details ?? {}) }],
  };
}
