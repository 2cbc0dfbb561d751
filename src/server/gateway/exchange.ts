import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Passage, recordOf } from '../gate/passage.js';
import { declaresBody } from '../http/read-body.js';
import { sendJson } from '../http/send-json.js';
import type { ApiError } from '../rpc/api-error.js';
import type { RequestRecord } from '../rpc/audit-sink.js';
import { errorBody } from '../rpc/error-body.js';

/**
 * One request through the gateway, from arrival to its record: however it ends (refused,
 * answered by the upstream, cut off by either side) it is recorded exactly once, with the
 * status the client got.
 */
export class Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly passage: Passage;
  readonly #hostId: string;
  readonly #record: (record: RequestRecord) => void;
  #settled = false;

  constructor(
    req: IncomingMessage,
    res: ServerResponse,
    passage: Passage,
    hostId: string,
    record: (record: RequestRecord) => void,
  ) {
    this.req = req;
    this.res = res;
    this.passage = passage;
    this.#hostId = hostId;
    this.#record = record;
  }

  get requestId(): string {
    return this.passage.arrival.requestId;
  }

  get settled(): boolean {
    return this.#settled;
  }

  /**
   * Answers `error` in Alibaba's JSON shape. Once the upstream's answer has begun, the only
   * honest signal left is to cut the connection; the record keeps the error either way.
   */
  refuse(error: ApiError): void {
    if (this.#settled) return;
    const { res, req } = this;
    if (res.headersSent || res.destroyed) {
      res.destroy();
      this.settle(res.headersSent ? res.statusCode : error.httpStatus, error);
      return;
    }
    // A body left unread cannot be skipped safely: the connection ends with this answer.
    if (declaresBody(req) && !req.readableEnded) res.setHeader('connection', 'close');
    const body = errorBody(this.requestId, this.#hostId, error, this.passage.progress.product);
    sendJson(res, error.httpStatus, body, this.requestId);
    this.settle(error.httpStatus, error);
  }

  /** Records how the request ended (`status`: what the client got); the first call wins. */
  settle(status: number, refusal: ApiError | null): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#record(recordOf(this.passage, status, refusal));
  }
}
