import { constantTimeEqual } from '../../common/constant-time-equal.js';
import { Redacted } from './redacted.js';

/**
 * A decrypted AccessKey secret on its way to an HMAC. It prints, serialises and inspects as
 * `[redacted]`, so a credential object that ends up in a log line or an error body leaks
 * nothing; the plaintext is reachable only through the explicitly named `reveal`.
 */
export class SigningSecret extends Redacted {
  readonly #value: string;

  constructor(value: string) {
    super();
    this.#value = value;
  }

  /** The plaintext, to key an HMAC with. Never store, log or return it. */
  reveal(): string {
    return this.#value;
  }

  /** Constant-time comparison with a secret presented by a client. */
  matches(candidate: string): boolean {
    return constantTimeEqual(this.#value, candidate);
  }
}
