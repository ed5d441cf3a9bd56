// The API's one catalogue of errors: a stable code, Keepa's status and error `type`.
// Every error answer is Keepa's envelope with `error: {type, message, details}`.
// 400 = malformed request (or bad key), 405 = a parameter outside its allowed range,
// 429 = out of tokens, 404 = no such route, 500 = our fault, 503 = the database (or the
// server itself) cannot answer right now: retry later, the key is fine. No error is ever
// charged.
import type { KeepaError } from '../../keepa/envelope.js';

export const API_ERRORS = {
  invalid_key: { status: 400, type: 'invalidKey' },
  missing_parameter: { status: 400, type: 'missingParameter' },
  invalid_parameter: { status: 400, type: 'invalidParameter' },
  unknown_parameter: { status: 400, type: 'unknownParameter' },
  out_of_range: { status: 405, type: 'parameterOutOfRange' },
  not_enough_tokens: { status: 429, type: 'notEnoughToken' },
  not_found: { status: 404, type: 'notFound' },
  payload_too_large: { status: 413, type: 'payloadTooLarge' },
  uri_too_long: { status: 414, type: 'requestUriTooLong' },
  internal: { status: 500, type: 'internalError' },
  unavailable: { status: 503, type: 'serviceUnavailable' },
} as const satisfies Record<string, { status: number; type: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details: string | null = null,
  ) {
    super(message);
  }

  get status(): number {
    return API_ERRORS[this.code].status;
  }

  toKeepa(): KeepaError {
    return { type: API_ERRORS[this.code].type, message: this.message, details: this.details };
  }
}

export const invalidKey = () =>
  new ApiError('invalid_key', 'Invalid API key.', 'Pass the 64-character key created by `pricekeep keys create` as ?key=.');

/** Seconds a client should wait after a 503 before trying again. */
export const UNAVAILABLE_RETRY_AFTER_S = 5;

export const unavailable = () =>
  new ApiError('unavailable', 'The service is temporarily unavailable.', 'The database does not answer; retry later. Your key is fine.');
