// Errors the HTTP layer turns into status codes; anything else is a 500 (and a bug).
export class HttpError extends Error {
  constructor(status, code, message, details, headers) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.headers = headers; // extra response headers (WWW-Authenticate, Retry-After)
  }
}

export const notFound = (message = 'Item not found') => new HttpError(404, 'not_found', message);
export const conflict = (message) => new HttpError(409, 'conflict', message);
export const badRequest = (message, details) => new HttpError(400, 'bad_request', message, details);
export const forbidden = (message) => new HttpError(403, 'forbidden', message);

/** The database can't be reached (down, restarting, throttling): a 503 the client may retry. */
export class StoreUnavailableError extends Error {
  constructor(cause) {
    super(`database unavailable: ${cause?.message ?? cause}`);
    this.cause = cause;
  }
}

/** Socket-level error codes: the database host can't be reached right now. */
export const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'EPIPE']);
