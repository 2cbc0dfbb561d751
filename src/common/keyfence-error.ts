/**
 * Base of every error KeyFence throws across a module boundary. `code` is stable: scripts,
 * tests and the Alibaba-compatible API match on it, never on the message.
 */
export class KeyFenceError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
