import type { ErrorCode, ErrorResponse, OAuthErrorResponse, ValidationErrorResponse } from './generated/types.gen.js';

/** Every error body the API sends carries a stable `error_code`: branch on it, never on text. */
export type ApiErrorBody = ErrorResponse | OAuthErrorResponse | ValidationErrorResponse;

export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    'error_code' in value &&
    typeof (value as { error_code: unknown }).error_code === 'string'
  );
}

/** The `error_code` of an error returned by the generated SDK, or `undefined` when there is none. */
export function apiErrorCode(error: unknown): ErrorCode | undefined {
  return isApiErrorBody(error) ? error.error_code : undefined;
}
