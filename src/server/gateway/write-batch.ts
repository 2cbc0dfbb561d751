import type { Writable } from 'node:stream';

/**
 * Sockets held corked until node has handled the burst of events it was handed, then written
 * together (server/http/answer-batch.ts does the same for forward-auth's answers). Under load node
 * reads many requests, and many upstream answers, in one pass of its event loop; writing each
 * message at once puts a send, and the wake-up of whoever reads it (the upstream, the client),
 * between every two requests. Held, one wake-up serves the burst, and the head and body node
 * writes for one message go out in one send. A socket waits at most until the current pass over
 * ready connections ends (`setImmediate` runs right after it). Corks nest: node's own cork and
 * uncork of a message's writes happen inside the hold, and a socket held twice is uncorked twice.
 */
export class WriteBatch {
  #held: Writable[] = [];
  readonly #flush = () => this.#release();

  hold(socket: Writable): void {
    socket.cork();
    if (this.#held.push(socket) === 1) setImmediate(this.#flush);
  }

  #release(): void {
    const held = this.#held;
    this.#held = [];
    // A socket destroyed meanwhile takes the uncork as a no-op.
    for (let i = 0; i < held.length; i++) held[i]!.uncork();
  }
}
