import type { Dispatcher } from 'undici';
import { gatewayErrors } from '../errors/api-error.js';
import type { Exchange } from './exchange.js';
import { downstreamResponseHeaders } from './forwarded-headers.js';

type Controller = Dispatcher.DispatchController & { readonly rawHeaders?: Buffer[] | null };

/** undici's codes for an upstream that did not connect, answer or go on answering in time. */
const TIMEOUTS: ReadonlySet<string> = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

const HELD_BYTES = 64 * 1024;

/**
 * One forwarded request's way back: the upstream's answer passed on to the client, its head and
 * then its body as it streams, paused while the client's connection is full; a break on either
 * side cuts the other. Under strict durability the head waits for its event (exchange.ts), and an
 * answer that may not be sent is discarded.
 */
export class UpstreamAnswer implements Dispatcher.DispatchHandler {
  readonly #exchange: Exchange;
  #controller: Controller | undefined;
  /** Set when the exchange cut the upstream itself: it has recorded why. */
  #cut = false;
  /** Under strict durability, the body that came while the head waited for its event. */
  #held: Buffer[] | undefined;
  #heldBytes = 0;
  #ended = false;
  readonly #resume = () => this.#controller?.resume();

  constructor(exchange: Exchange) {
    this.#exchange = exchange;
  }

  onRequestStart(controller: Controller): void {
    this.#controller = controller;
    this.#exchange.abortUpstream = () => this.#abort('the exchange ended');
  }

  onResponseStart(controller: Controller, status: number): void {
    const exchange = this.#exchange;
    if (exchange.settled) {
      this.#abort('the exchange ended');
      return;
    }
    const { res } = exchange;
    const headers = downstreamResponseHeaders(latin1(controller.rawHeaders ?? []));
    res.once('finish', () => exchange.settle(status, null));
    const begun = exchange.begin(status);
    if (begun === undefined) {
      res.writeHead(status, headers);
      return;
    }
    // The body read on while the head waits, so that an answer broken off meanwhile is known
    // before its head is sent (then it never is); what came is held, up to HELD_BYTES.
    const held: Buffer[] = [];
    this.#held = held;
    void begun.then((send) => {
      this.#held = undefined;
      if (!send) {
        this.#abort('the answer may not be sent');
        return;
      }
      res.writeHead(status, headers);
      for (const chunk of held) res.write(chunk);
      if (this.#ended) res.end();
      else controller.resume();
    });
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    const held = this.#held;
    if (held !== undefined) {
      held.push(chunk);
      this.#heldBytes += chunk.length;
      if (this.#heldBytes >= HELD_BYTES) controller.pause();
      return;
    }
    const { res } = this.#exchange;
    if (!res.write(chunk)) {
      controller.pause();
      res.once('drain', this.#resume);
    }
  }

  onResponseEnd(): void {
    this.#ended = true;
    if (this.#held === undefined) this.#exchange.res.end();
  }

  #abort(why: string): void {
    this.#cut = true;
    this.#controller?.abort(new Error(why));
  }

  /**
   * The upstream could not be reached, did not answer in time, or broke off its answer: an answer
   * under way is cut (the client cannot take a partial body for a whole one). What the exchange
   * ended itself (a refused body, a client gone) it has recorded already.
   */
  onResponseError(_controller: Controller, error: Error): void {
    if (this.#cut) return;
    const code = (error as { code?: unknown }).code;
    this.#exchange.refuse(
      typeof code === 'string' && TIMEOUTS.has(code)
        ? gatewayErrors.upstreamTimeout()
        : gatewayErrors.upstreamUnreachable(),
    );
  }
}

function latin1(raw: readonly Buffer[]): string[] {
  const headers = new Array<string>(raw.length);
  for (let i = 0; i < raw.length; i++) headers[i] = raw[i]!.toString('latin1');
  return headers;
}
