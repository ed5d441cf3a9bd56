// The dashboard's JSON error shape, `{"error": {"code", "message"}}`, with stable codes.
export type WebErrorCode =
  | 'bad_request'
  | 'not_found'
  | 'unauthorized'
  | 'csrf'
  | 'forbidden_host'
  | 'too_many_logins'
  | 'invalid_keepa_json'
  | 'payload_too_large'
  | 'internal';

const STATUS: Record<WebErrorCode, number> = {
  bad_request: 400,
  not_found: 404,
  unauthorized: 401,
  csrf: 403,
  forbidden_host: 403,
  too_many_logins: 429,
  invalid_keepa_json: 400,
  payload_too_large: 413,
  internal: 500,
};

export class WebError extends Error {
  override readonly name = 'WebError';
  readonly status: number;
  constructor(readonly code: WebErrorCode, message: string) {
    super(message);
    this.status = STATUS[code];
  }
}

export function webErrorBody(code: WebErrorCode, message: string): { error: { code: WebErrorCode; message: string } } {
  return { error: { code, message } };
}
