import type { ServerResponse } from 'node:http';

/** A complete answer: status, headers as a flat name/value list, body. */
export interface Answer {
  readonly status: number;
  readonly headers: string[];
  readonly body: string;
}

/**
 * Answers written together once node has read the burst of requests it was handed, instead of
 * one by one as each is decided. Under load node reads many requests in one pass of its event
 * loop; writing each answer at once puts a send, and the wake-up of whoever reads it (on the same
 * host that is the gateway beside KeyFence, or a load generator), between every two checks.
 * Written back to back, one wake-up serves the burst. An answer waits at most until the current
 * pass over ready connections ends (`setImmediate` runs right after it), and nothing else waits
 * for it: its audit record is handed over when it is decided.
 */
export class AnswerBatch {
  readonly #onError: (error: unknown) => void;
  #responses: ServerResponse[] = [];
  #answers: Answer[] = [];
  readonly #flush = () => this.#write();

  /** `onError`: told of an answer node refused to write (a defect); its connection is cut, the others are written. */
  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  add(res: ServerResponse, answer: Answer): void {
    if (this.#responses.push(res) === 1) setImmediate(this.#flush);
    this.#answers.push(answer);
  }

  #write(): void {
    const responses = this.#responses;
    const answers = this.#answers;
    this.#responses = [];
    this.#answers = [];
    for (let i = 0; i < responses.length; i++) {
      // A response whose client has gone meanwhile takes the write and drops it, as node:http does.
      const res = responses[i]!;
      const answer = answers[i]!;
      try {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      } catch (error) {
        this.#onError(error);
        res.destroy();
      }
    }
  }
}
