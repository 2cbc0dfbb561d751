import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AuthError } from '../../auth/auth-error.js';

/**
 * Passes a request body through while hashing it, and fails at the end unless its SHA-256 is the
 * one the ACS3 signature covers (`x-acs-content-sha256`). The last chunk is held back until the
 * hash is known: an upstream receives the end of a body (its last bytes under Content-Length,
 * the terminating chunk under chunked coding) only once it matches, so it can never act on a
 * complete body that was not the one signed. At most one chunk is held, whatever the body's size.
 */
export class ContentHashCheck extends Transform {
  readonly #expected: string;
  readonly #hash: Hash = createHash('sha256');
  #held: Buffer | undefined;

  constructor(expected: string) {
    super();
    this.#expected = expected;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    const previous = this.#held;
    this.#held = chunk;
    callback(null, previous);
  }

  override _flush(callback: TransformCallback): void {
    if (this.#hash.digest('hex') !== this.#expected) {
      callback(AuthError.contentHashDoesNotMatch());
      return;
    }
    callback(null, this.#held);
  }
}
