import { err, ok, type Result } from '../common/result.js';
import { AuthError, IncompleteSignatureReason } from './auth-error.js';

/**
 * A request's headers by lower-case name: one value as a string, or every value given (as
 * node:http's `headersDistinct` has them), so that a repeated header can be refused.
 */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * A request as received, independent of the HTTP server: what a signature covers, nothing parsed
 * or normalised, because normalising before verifying is how a verifier comes to check something
 * other than what the client signed.
 *
 * The content type is read from `headers['content-type']` and nowhere else: under ACS3 that
 * header is signed, and a second source could disagree with it.
 */
export interface SignedRequest {
  /** As on the request line, e.g. `POST`. */
  readonly method: string;
  /** The raw path of the request target, without the query and undecoded, e.g. `/`. */
  readonly path: string;
  /** The raw query string without `?`, undecoded; empty when there is none. */
  readonly rawQuery: string;
  /**
   * Lower-case names, as node:http gives them in `req.headers` or `req.headersDistinct`. A name
   * given several times (an array of more than one value) is refused wherever it matters.
   */
  readonly headers: RequestHeaders;
  /**
   * The body bytes exactly as received; empty when there is none. Null when the verifier is not
   * given the body: forward-auth never sees it (the gateway keeps it), and the gateway streams it.
   * An ACS3 signature is then checked against the `x-acs-content-sha256` it signs, and whoever
   * holds the body must compare it with that hash; the parameters are the query's alone.
   */
  readonly body: Buffer | null;
}

/** The single value of a header, undefined when absent; a repeated header is an error. */
export function headerValue(request: SignedRequest, name: string): Result<string | undefined, AuthError> {
  const value = request.headers[name];
  if (typeof value === 'string' || value === undefined) return ok(value);
  if (value.length > 1) return err(AuthError.incompleteSignature(IncompleteSignatureReason.HeaderRepeated));
  return ok(value[0]);
}
