/**
 * The browser's API client: same-origin fetch with the session cookie, `x-csrf-token` on every
 * write (value from `GET /api/auth/me`), JSON in and out, and the API's error body
 * (`{error:{code,message,field}}`) as an {@link ApiError}. A 401 (session ended) or a 403
 * `confidentiality_required` / `password_change_required` anywhere is reported to the auth layer,
 * which returns to the right page.
 */
import { authFailureOf, isWrite, type AuthFailure } from './model/auth.js';

/** A failed API answer (or `network` when the server did not answer). */
export class ApiError extends Error {
  /** @param status HTTP status, 0 for a network failure */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null,
    /** The whole error body (e.g. `rows` of a refused import). */
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
let onAuthFailure: (failure: Exclude<AuthFailure, 'none'>) => void = () => undefined;

/** Sets the CSRF token sent with writes (from `GET /api/auth/me`; null when signed out). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Registers the auth layer's handler of session-wide failures. */
export function onSessionFailure(handler: (failure: Exclude<AuthFailure, 'none'>) => void): void {
  onAuthFailure = handler;
}

/** Options of {@link api}. */
export interface ApiOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** JSON-serialised unless `contentType` is given (then sent as is). */
  body?: unknown;
  contentType?: string;
  /** Do not report 401/403 steps to the auth layer (the sign-in calls themselves). */
  quiet?: boolean;
}

/**
 * Calls the API.
 * @returns the parsed JSON body (null when empty)
 * @throws ApiError on a non-2xx answer (code from the body, else `http_<status>`) or `network`
 */
export async function api(url: string, options: ApiOptions = {}): Promise<unknown> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    if (options.contentType !== undefined) {
      headers['content-type'] = options.contentType;
      body = options.body as BodyInit;
    } else {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
  }
  if (isWrite(method) && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e), null, null);
  }
  const text = await res.text();
  let parsed: unknown = null;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (res.ok) return parsed;
  const error =
    typeof parsed === 'object' && parsed !== null && 'error' in parsed
      ? ((parsed as { error?: { code?: unknown; message?: unknown; field?: unknown } }).error ?? {})
      : {};
  const code = typeof error.code === 'string' ? error.code : `http_${res.status}`;
  const message = typeof error.message === 'string' ? error.message : `HTTP ${res.status}`;
  const field = typeof error.field === 'string' ? error.field : null;
  if (options.quiet !== true) {
    const failure = authFailureOf(res.status, code);
    if (failure !== 'none') onAuthFailure(failure);
  }
  throw new ApiError(res.status, code, message, field, parsed);
}
