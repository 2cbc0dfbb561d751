import { CONSOLE_SIGNIN_EVENT } from '../../audit/audit-event.js';
import type { AuditSink } from '../../audit/audit-sink.js';
import type { Caller } from '../../request/caller.js';
import { PRODUCTS, type Product } from '../../request/product.js';
import type { ConsoleUser, RequestRecord } from '../../request/request-record.js';
import type { RequestSource } from '../../request/source/resolve-source.js';
import type { KeyFenceStore } from '../../store/index.js';
import { ChangeAudit } from '../rpc/change-audit.js';

/** What is known of a console request on arrival. */
export interface ConsoleRequest {
  readonly requestId: string;
  readonly time: Date;
  readonly source: RequestSource;
  readonly userAgent: string | null;
}

/** What a console event is about: an action (`product` set) or one of the console's own operations. */
export interface ConsoleEvent {
  readonly action: string;
  readonly product: Product | null;
  readonly params: Readonly<Record<string, string>>;
  readonly caller: Caller | null;
  readonly consoleUser?: ConsoleUser | null;
}

/** The outcome of a console request as its event keeps it: null code for a success. */
export interface ConsoleOutcome {
  readonly httpStatus: number;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
}

export const SUCCEEDED: ConsoleOutcome = { httpStatus: 200, errorCode: null, errorMessage: null };

/**
 * The console's audit records (docs/audit.md): `ConsoleSignin` for every sign-in attempt,
 * `ConsoleOperation` for every write, in ActionTrail's shape with `entryPoint: console`, the
 * session's identity and no AccessKey. A write's event is stored with its change, as the RPC
 * API's are (change-audit.ts); everything else goes to the sink like any request's record.
 */
export class ConsoleAudit {
  readonly #sink: AuditSink;
  readonly #store: KeyFenceStore;

  constructor(sink: AuditSink, store: KeyFenceStore) {
    this.#sink = sink;
    this.#store = store;
  }

  record(request: ConsoleRequest, event: ConsoleEvent, outcome: ConsoleOutcome): void {
    this.#sink.record(recordOf(request, event, outcome));
  }

  /** A sign-in attempt's record; the password is never part of it. */
  signin(
    request: ConsoleRequest,
    event: Omit<ConsoleEvent, 'action' | 'product' | 'params'>,
    outcome: ConsoleOutcome,
  ): void {
    this.record(request, { ...event, action: CONSOLE_SIGNIN_EVENT, product: null, params: {} }, outcome);
  }

  /**
   * What a console write goes through so that its event commits with its change, built as the
   * call's success; undefined when the sink keeps no events (its record is then all there is).
   */
  changeAudit(request: ConsoleRequest, event: ConsoleEvent, name = event.action): ChangeAudit | undefined {
    const sink = this.#sink;
    if (sink.committedEvent === undefined) return undefined;
    const record = recordOf(request, { ...event, action: name }, SUCCEEDED);
    return new ChangeAudit(this.#store, (tx) =>
      sink.committedEvent!(record, (ids) => tx.accessKeyPrincipals(ids)),
    );
  }
}

function recordOf(request: ConsoleRequest, event: ConsoleEvent, outcome: ConsoleOutcome): RequestRecord {
  const { source } = request;
  return {
    requestId: request.requestId,
    time: request.time,
    action: event.action,
    version: event.product === null ? null : PRODUCTS[event.product],
    product: event.product,
    params: event.params,
    caller: event.caller,
    consoleUser: event.consoleUser ?? null,
    authentication: event.caller === null ? null : 'console-session',
    claimedAccessKeyId: null,
    source: { ip: source.ip, vpcId: source.vpcId ?? null, fault: null },
    entryPoint: 'console',
    // The console is not subject to network ACLs: no decision is made for it.
    service: null,
    original: null,
    decision: null,
    appliedVersion: null,
    candidate: null,
    errorCode: outcome.errorCode,
    errorMessage: outcome.errorMessage,
    httpStatus: outcome.httpStatus,
    userAgent: request.userAgent,
  };
}
