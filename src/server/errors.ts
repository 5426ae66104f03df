/**
 * Application errors with stable codes, and the one table mapping them to HTTP statuses.
 * The body is always `{ error: { code, message, field } }` (floor-api.md "Errors").
 */

/** Stable error codes. */
export type ErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'unauthenticated'
  | 'invalid_credentials'
  | 'forbidden'
  | 'csrf'
  | 'confidentiality_required'
  | 'password_change_required'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

const STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_request: 400,
  unauthorized: 401,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  csrf: 403,
  confidentiality_required: 403,
  password_change_required: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** An error the API reports as is. */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The request field at fault (`from`, `[3].time`), or `null`. */
    readonly field: string | null = null,
  ) {
    super(message);
  }

  /** The HTTP status of this error's code. */
  get status(): number {
    return STATUS[this.code];
  }
}

/** The error body. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; field: string | null };
}

/** Builds an error body. */
export function errorBody(
  code: ErrorCode,
  message: string,
  field: string | null = null,
): ErrorBody {
  return { error: { code, message, field } };
}
