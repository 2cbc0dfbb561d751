import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { isPromise, type MaybePromise } from '../../common/maybe-promise.js';
import type { ConnectionOrigin } from '../../request/source/connection-origin.js';
import type { RequestAudit } from '../access/request-audit.js';
import { serverErrors } from '../errors/api-error.js';
import { sendApiError } from '../errors/error-answers.js';
import { AnswerBatch } from '../http/answer-batch.js';
import { hostIdOf } from '../http/host-id.js';
import { declaresBody } from '../http/read-body.js';
import { requestHeaders } from '../http/request-headers.js';
import { newRequestId } from '../http/request-id.js';
import type { ForwardAuthAnswer, ForwardAuthEndpoint } from './forward-auth-endpoint.js';
import { refusalAnswer } from './refusal-answer.js';

export interface ForwardAuthRouteOptions {
  readonly endpoint: ForwardAuthEndpoint;
  readonly audit: RequestAudit;
  readonly log: Logger;
  readonly now: () => Date;
  /** `HostId` of error bodies; undefined: the host name of the request's Host header. */
  readonly hostId: string | undefined;
}

/** `/forward-auth` over HTTP: a gateway's check of the request it holds. */
export class ForwardAuthRoute {
  readonly #endpoint: ForwardAuthEndpoint;
  readonly #audit: RequestAudit;
  readonly #log: Logger;
  readonly #now: () => Date;
  readonly #hostId: string | undefined;
  readonly #answers: AnswerBatch;

  constructor(options: ForwardAuthRouteOptions) {
    this.#endpoint = options.endpoint;
    this.#audit = options.audit;
    this.#log = options.log;
    this.#now = options.now;
    this.#hostId = options.hostId;
    this.#answers = new AnswerBatch((error) =>
      this.#log.error({ err: error }, 'a forward-auth answer could not be written'),
    );
  }

  /**
   * Answers a gateway's forward-auth check, then hands its record to the audit sink; in the turn
   * the request arrived in whenever the check needs nothing but memory.
   */
  check(req: IncomingMessage, res: ServerResponse, origin: ConnectionOrigin, target: string): void {
    // The gateway keeps the original body; one sent here is never read, so the connection cannot be reused.
    if (declaresBody(req)) res.setHeader('connection', 'close');
    const requestId = newRequestId();
    let answer: MaybePromise<ForwardAuthAnswer>;
    try {
      answer = this.#endpoint.check({
        requestId,
        time: this.#now(),
        origin,
        method: req.method ?? 'GET',
        target,
        headers: req.headers,
        exactHeaders: requestHeaders(req),
      });
    } catch (error) {
      this.#failed(req, res, requestId, error);
      return;
    }
    if (!isPromise(answer)) this.#answer(res, answer);
    else {
      answer.then(
        (settled) => this.#answer(res, settled),
        (error: unknown) => this.#failed(req, res, requestId, error),
      );
    }
  }

  #answer(res: ServerResponse, answer: ForwardAuthAnswer): void {
    const { record } = answer;
    if (answer.internalError !== undefined) {
      this.#audit.internalError(answer.internalError, record.requestId, 'forward-auth check failed');
    }
    const durably = this.#audit.durably;
    if (durably === undefined) {
      this.#answers.add(res, answer);
      this.#audit.record(record);
      return;
    }
    void durably(record).then((durable) => {
      if (durable) this.#answers.add(res, answer);
      else {
        const { status, body } = this.#audit.refusal(record.requestId, undefined);
        this.#answers.add(res, refusalAnswer(status, body, record.requestId, undefined));
      }
    });
  }

  /** A check that threw past the endpoint (a defect): 500, logged, not audited. */
  #failed(req: IncomingMessage, res: ServerResponse, requestId: string, error: unknown): void {
    this.#log.error({ err: error, requestId }, 'forward-auth check failed outside the endpoint');
    if (res.headersSent) res.destroy();
    else {
      sendApiError(
        req,
        res,
        { requestId, hostId: hostIdOf(req.headers.host, this.#hostId) },
        serverErrors.internalError(),
      );
    }
  }
}
