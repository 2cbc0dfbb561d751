import type { IncomingMessage, ServerResponse } from 'node:http';
import { isFormUrlEncoded } from '../../auth/request-params.js';
import type { RequestAudit } from '../access/request-audit.js';
import { serverErrors } from '../errors/api-error.js';
import { declaresBody, readBody } from '../http/read-body.js';
import type { RequestEnvelope } from '../http/request-envelope.js';
import { requestHeaders } from '../http/request-headers.js';
import { sendJson } from '../http/send-json.js';
import type { RpcEndpoint, RpcOutcome } from './rpc-endpoint.js';

const ALLOWED_RPC_METHODS = 'GET, POST';

export interface RpcRouteOptions {
  readonly endpoint: RpcEndpoint;
  readonly audit: RequestAudit;
  /** Largest request body accepted. */
  readonly maxBodyBytes: number;
}

/** The RPC API over HTTP at `/`: GET or POST, parameters in the query or a form body. */
export class RpcRoute {
  readonly #endpoint: RpcEndpoint;
  readonly #audit: RequestAudit;
  readonly #maxBodyBytes: number;

  constructor(options: RpcRouteOptions) {
    this.#endpoint = options.endpoint;
    this.#audit = options.audit;
    this.#maxBodyBytes = options.maxBodyBytes;
  }

  /** Reads the body, calls the endpoint and answers; `rawQuery` is what follows the `?` of the target. */
  async answer(
    req: IncomingMessage,
    res: ServerResponse,
    envelope: RequestEnvelope,
    rawQuery: string,
  ): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'POST') {
      if (declaresBody(req)) res.setHeader('connection', 'close');
      return this.#finish(
        res,
        this.#endpoint.refuse(envelope, serverErrors.methodNotAllowed(ALLOWED_RPC_METHODS)),
        ALLOWED_RPC_METHODS,
      );
    }
    const read = await readBody(req, this.#maxBodyBytes);
    if (read.kind === 'aborted') return;
    if (read.kind === 'too-large') {
      // The rest of the body is never read: the connection cannot be reused.
      res.setHeader('connection', 'close');
      return this.#finish(
        res,
        this.#endpoint.refuse(envelope, serverErrors.bodyTooLarge(this.#maxBodyBytes)),
      );
    }
    if (read.body.length > 0 && !isFormUrlEncoded(req.headers['content-type'])) {
      return this.#finish(res, this.#endpoint.refuse(envelope, serverErrors.unsupportedMediaType()));
    }
    const outcome = await this.#endpoint.call({
      ...envelope,
      request: {
        method: req.method,
        path: '/',
        rawQuery,
        // Every value of every header, so that a repeated header is refused rather than half-read.
        headers: requestHeaders(req),
        body: read.body,
      },
    });
    return this.#finish(res, outcome);
  }

  /**
   * Answers a call, then hands its record to the audit sink: unless its event was stored with its
   * change; under `audit.durability: strict`, before answering, once it is durable.
   */
  #finish(res: ServerResponse, outcome: RpcOutcome, allow?: string): void | Promise<void> {
    const { record } = outcome;
    if (outcome.internalError !== undefined) {
      this.#audit.internalError(outcome.internalError, record.requestId, 'request failed');
    }
    const headers: Record<string, string> = allow === undefined ? {} : { allow };
    const durably = this.#audit.durably;
    if (outcome.audited || durably === undefined) {
      sendJson(res, outcome.status, outcome.body, record.requestId, headers);
      if (!outcome.audited) this.#audit.record(record);
      return;
    }
    return durably(record).then((durable) => {
      if (durable) sendJson(res, outcome.status, outcome.body, record.requestId, headers);
      else {
        const refusal = this.#audit.refusal(record.requestId, res.req.headers.host);
        sendJson(res, refusal.status, refusal.body, record.requestId, headers);
      }
    });
  }
}
