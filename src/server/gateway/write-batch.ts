import type { Writable } from 'node:stream';

/**
 * Upstream connections held corked until node has handled the burst of requests it was handed,
 * then written together (server/http/answer-batch.ts does the same for forward-auth's answers).
 * Under load node reads many requests in one pass of its event loop; sending each on at once puts
 * a send, and the wake-up of the upstream reading it, between every two requests. Held, one
 * wake-up serves the burst. A socket waits at most until the current pass over ready connections
 * ends (`setImmediate` runs right after it). Corks nest: node's own cork and uncork of a request's
 * writes happen inside the hold, and a socket held twice is uncorked twice.
 *
 * Answers to clients are not held: ServerResponse.end uncorks its socket whatever the count, and
 * deferring the end instead cost more than it saved (measured with bench/gateway.bench.ts's load).
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
