import type { IncomingMessage } from 'node:http';
import type { RequestHeaders } from '../../auth/signed-request.js';

/**
 * A request's headers for the checks that must see every value of a header (signatures,
 * forward-auth's original request): node's `req.headers` itself when no name repeats, the common
 * case, where each value is the one the client sent; otherwise `headersDistinct`, which keeps
 * every value, so that a repeated header is refused rather than read as node folded it.
 */
export function requestHeaders(req: IncomingMessage): RequestHeaders {
  const headers = req.headers;
  let names = 0;
  for (const _ in headers) names++;
  return names * 2 === req.rawHeaders.length ? headers : req.headersDistinct;
}
