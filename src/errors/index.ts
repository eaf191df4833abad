export { AppError, type AppErrorOptions, isAppError, toAppError } from './app-error.js';
export { ERROR_TABLE, type ErrorCode, providerStatusMapping } from './codes.js';
export { ERROR_INFO_TYPE, type GatewayErrorBody, gatewayErrorBody } from './gateway-body.js';
