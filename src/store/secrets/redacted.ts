import { inspect } from 'node:util';

/**
 * A holder of secret material that never shows it: it serialises, prints and inspects as
 * `[redacted]` (inspect names the class), so an object that ends up in a log line or an error
 * body leaks nothing.
 */
export abstract class Redacted {
  toJSON(): string {
    return '[redacted]';
  }

  toString(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return `${this.constructor.name} [redacted]`;
  }
}
