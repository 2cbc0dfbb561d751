import type { Logger } from 'pino';
import type { AuditSink } from '../../audit/audit-sink.js';
import type { RequestRecord } from '../../request/request-record.js';
import { isStoreError } from '../../store/index.js';
import type { OutageLog } from '../../sync/outage-log.js';
import { serverErrors } from '../errors/api-error.js';
import { errorBody } from '../errors/error-body.js';
import { hostIdOf } from '../http/host-id.js';

export interface RequestAuditOptions {
  readonly sink: AuditSink;
  readonly log: Logger;
  readonly outage: OutageLog;
  /** `HostId` of error bodies; undefined: the host name of the request's Host header. */
  readonly hostId: string | undefined;
}

/**
 * Where the entry points hand a request's record once it is answered, and what they do when an
 * answer must wait for its event (`audit.durability: strict`) or a request failed inside.
 */
export class RequestAudit {
  readonly #sink: AuditSink;
  readonly #log: Logger;
  readonly #outage: OutageLog;
  readonly #hostId: string | undefined;

  constructor(options: RequestAuditOptions) {
    this.#sink = options.sink;
    this.#log = options.log;
    this.#outage = options.outage;
    this.#hostId = options.hostId;
  }

  /** Set under `audit.durability: strict`: the record kept, resolving once its event is durable (true) or lost. */
  get durably(): ((record: RequestRecord) => Promise<boolean>) | undefined {
    return this.#sink.recordDurably;
  }

  /** Hands `record` to the sink; a sink that throws is a defect, logged and never the request's. */
  record(record: RequestRecord): void {
    try {
      this.#sink.record(record);
    } catch (error) {
      this.#log.error({ err: error, requestId: record.requestId }, 'the audit sink threw');
    }
  }

  /**
   * Under `audit.durability: strict`, the answer to a request whose event could not be kept
   * (queue or spool full, spool unwritable): nothing may be answered without its event.
   */
  refusal(requestId: string, host: string | undefined): { status: number; body: Record<string, unknown> } {
    const error = serverErrors.auditUnavailable();
    return {
      status: error.httpStatus,
      body: errorBody(requestId, hostIdOf(host, this.#hostId), error, null),
    };
  }

  /** A database outage's failures are summed up by the outage log; anything else is a defect. */
  internalError(error: unknown, requestId: string, what: string): void {
    if (isStoreError(error, 'Store.Database')) this.#outage.failed(what, error);
    else this.#log.error({ err: error, requestId }, what);
  }
}
