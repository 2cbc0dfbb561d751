import { hkdfSync, randomBytes } from 'node:crypto';
import { StoreError } from '../store-error.js';
import { Redacted } from './redacted.js';

const keyLength = 32;
const strictBase64 = /^[A-Za-z0-9+/]{43}=$/;

/**
 * The 256-bit key every stored secret is encrypted under. It is never used directly: each use
 * derives its own key (HKDF) so that, e.g., the fingerprint stored in the database reveals
 * nothing about the encryption key.
 */
export class MasterKey extends Redacted {
  readonly #raw: Buffer;

  private constructor(raw: Buffer) {
    super();
    this.#raw = raw;
  }

  static generate(): MasterKey {
    return new MasterKey(randomBytes(keyLength));
  }

  /** Accepts exactly 32 bytes in standard base64 (surrounding whitespace ignored). */
  static parse(text: string): MasterKey {
    const trimmed = text.trim();
    if (!strictBase64.test(trimmed)) throw new StoreError('MasterKey.Invalid');
    return new MasterKey(Buffer.from(trimmed, 'base64'));
  }

  /** The base64 form, for writing the key file once; nothing else should call this. */
  encode(): string {
    return this.#raw.toString('base64');
  }

  deriveKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.#raw, Buffer.alloc(0), `keyfence/${purpose}`, keyLength));
  }
}
