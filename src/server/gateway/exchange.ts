import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestRecord } from '../../request/request-record.js';
import { type Passage, recordOf } from '../access/passage.js';
import { type ApiError, gatewayErrors, serverErrors } from '../errors/api-error.js';
import { errorBody } from '../errors/error-body.js';
import { declaresBody } from '../http/read-body.js';
import { sendJson } from '../http/send-json.js';

/**
 * One request through the gateway, from arrival to its record: however it ends (refused,
 * answered by the upstream, cut off by either side) it is recorded once, with the status the
 * client got (under strict, below, an answer that breaks off after its head: twice).
 *
 * Under `audit.durability: strict` (`recordDurably` set) nothing is answered before its event is
 * durable: a refusal once its event is, the upstream's answer once the event of its head is
 * (`begin`). An answer whose event was lost is replaced by 503 `ServiceUnavailable`. Once the
 * upstream's head has its event, an answer that then does not complete (either side broke off)
 * gets a second event with the same RequestId saying how it ended, as the only event does in
 * async mode (docs/audit.md, "Durability").
 */
export class Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly passage: Passage;
  /** Cuts what is under way with the upstream (its request and answer), once forwarded. */
  abortUpstream: (() => void) | undefined;
  readonly #hostId: string;
  readonly #record: (record: RequestRecord) => void;
  readonly #recordDurably: ((record: RequestRecord) => Promise<boolean>) | undefined;
  #settled = false;
  /** Strict only: the upstream's head has its event, and how the answer ends is not known yet. */
  #begun = false;

  constructor(
    req: IncomingMessage,
    res: ServerResponse,
    passage: Passage,
    hostId: string,
    record: (record: RequestRecord) => void,
    recordDurably: ((record: RequestRecord) => Promise<boolean>) | undefined,
  ) {
    this.req = req;
    this.res = res;
    this.passage = passage;
    this.#hostId = hostId;
    this.#record = record;
    this.#recordDurably = recordDurably;
  }

  get requestId(): string {
    return this.passage.arrival.requestId;
  }

  /** Whether the request has its record: nothing more is forwarded or answered but what was begun. */
  get settled(): boolean {
    return this.#settled;
  }

  /**
   * Answers `error` in Alibaba's JSON shape. Once the upstream's answer has begun, the only
   * honest signal left is to cut the connection; the record keeps the error either way.
   */
  refuse(error: ApiError): void {
    if (this.#settled && !this.#begun) return;
    const { res } = this;
    if (res.headersSent || res.destroyed || this.#begun) {
      res.destroy();
      this.settle(res.headersSent ? res.statusCode : error.httpStatus, error);
      return;
    }
    const durably = this.#recordDurably;
    if (durably === undefined) {
      this.#answer(error);
      this.settle(error.httpStatus, error);
      return;
    }
    this.#settled = true;
    void durably(recordOf(this.passage, error.httpStatus, error)).then((durable) =>
      this.#answer(durable ? error : serverErrors.auditUnavailable()),
    );
  }

  /**
   * The upstream answered with `status`. In async mode: undefined, the head may be sent at once
   * (the record is made when the answer ends). Under strict: the record is made now, and resolves
   * true once it is durable and the head may be sent; false when it must not be (the client is
   * gone, or the event was lost and the client has been answered 503): the upstream's answer is
   * then to be discarded.
   */
  begin(status: number): Promise<boolean> | undefined {
    const durably = this.#recordDurably;
    if (durably === undefined) return undefined;
    this.#settled = true;
    this.#begun = true;
    return durably(recordOf(this.passage, status, null)).then((durable) => {
      if (this.res.destroyed) {
        this.settle(499, gatewayErrors.clientClosed());
        return false;
      }
      if (durable) return true;
      // The head's event is lost: its answer is never sent, and nothing more is recorded.
      this.#begun = false;
      this.#answer(serverErrors.auditUnavailable());
      return false;
    });
  }

  /**
   * The client left before its answer was complete: recorded as 499, and what is under way with
   * the upstream is cut.
   */
  clientLeft(): void {
    this.settle(499, gatewayErrors.clientClosed());
    this.abortUpstream?.();
  }

  /**
   * Records how the request ended (`status`: what the client got); the first call wins. Under
   * strict, after `begin`: an answer that completed (`refusal` null) has its event already; one
   * that did not gets its second event.
   */
  settle(status: number, refusal: ApiError | null): void {
    if (this.#begun) {
      this.#begun = false;
      if (refusal !== null) this.#record(recordOf(this.passage, status, refusal));
      return;
    }
    if (this.#settled) return;
    this.#settled = true;
    this.#record(recordOf(this.passage, status, refusal));
  }

  #answer(error: ApiError): void {
    const { res, req } = this;
    if (res.destroyed) return;
    // A body left unread cannot be skipped safely: the connection ends with this answer.
    if (declaresBody(req) && !req.readableEnded) res.setHeader('connection', 'close');
    const body = errorBody(this.requestId, this.#hostId, error, this.passage.progress.product);
    sendJson(res, error.httpStatus, body, this.requestId);
  }
}
