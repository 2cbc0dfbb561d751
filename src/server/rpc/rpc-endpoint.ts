import type { AuditSink } from '../../audit/audit-sink.js';
import type { SignedRequest } from '../../auth/signed-request.js';
import { productOfVersion, SERVICE_OF } from '../../request/product.js';
import type { RequestRecord } from '../../request/request-record.js';
import type { AccessGate } from '../access/access-gate.js';
import { type Passage, recordOf } from '../access/passage.js';
import { type ApiError, missingParameter, serverErrors } from '../errors/api-error.js';
import { errorBody } from '../errors/error-body.js';
import { toApiError } from '../errors/to-api-error.js';
import type { RequestEnvelope } from '../http/request-envelope.js';
import type { ActionRegistry } from './action-registry.js';
import { type ActionServices, actionContext, runAction } from './action-services.js';
import { authorize, type PoliciesOf } from './authorize.js';
import { ChangeAudit } from './change-audit.js';
import { guardLockout } from './lockout-guard.js';

export interface RpcEndpointDependencies extends ActionServices {
  readonly actions: ActionRegistry;
  /** Source, authentication and network ACL, shared with forward-auth and the gateway. */
  readonly gate: AccessGate;
  readonly policiesOf: PoliciesOf;
  /** Makes the event a call's change commits with (change-audit.ts); without it, the call's record is all. */
  readonly audit?: Pick<AuditSink, 'committedEvent'>;
}

/** A call whose body was read: the request exactly as received. */
export interface RpcCall extends RequestEnvelope {
  readonly request: SignedRequest;
}

export interface RpcOutcome {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly record: RequestRecord;
  /**
   * Set when the call's event was stored with its change (change-audit.ts): the HTTP layer must
   * not hand `record` to the audit sink, which would store it a second time.
   */
  readonly audited?: true;
  /** Set when the call failed for a reason the client is not told: the HTTP layer logs it. */
  readonly internalError?: unknown;
}

/**
 * The RPC API at `/`, in the order every call goes through: authenticate (the signed
 * Action and Version, never unsigned headers), find the product, enforce the network ACL of
 * the key for the request's source, find the action, authorize the caller, run the handler.
 * Every outcome, success or refusal at any stage, comes back with its RequestRecord.
 */
export class RpcEndpoint {
  readonly #deps: RpcEndpointDependencies;

  constructor(deps: RpcEndpointDependencies) {
    this.#deps = deps;
  }

  /**
   * A call that fails after its change committed (the node could not catch up with it, say) is
   * answered with its error, and that answer is recorded too: the log then holds the change, as
   * committed, and the error the client was told, under the same RequestId (docs/audit.md).
   */
  async call(call: RpcCall): Promise<RpcOutcome> {
    const passage = this.#open(call);
    try {
      const { body, audited } = await this.#run(call, passage);
      const record = recordOf(passage, 200, null);
      return audited ? { status: 200, body, record, audited } : { status: 200, body, record };
    } catch (thrown) {
      const { error, internal } = toApiError(thrown);
      return {
        ...this.#refusal(call, passage, error),
        ...(internal ? { internalError: thrown } : {}),
      };
    }
  }

  /** A call refused before its body was read (method, size, media type): answered and recorded alike. */
  refuse(call: RequestEnvelope, error: ApiError): RpcOutcome {
    return this.#refusal(call, this.#open(call), error);
  }

  /**
   * What the call's action writes through, storing the call's event with its change; made once
   * the call has passed every check, so that calls refused before their action cost nothing more.
   */
  #changeAudit(passage: Passage): ChangeAudit | undefined {
    const { audit } = this.#deps;
    if (audit?.committedEvent === undefined) return undefined;
    // The record as the call will have succeeded: its action, caller and decision are known by
    // the time the action writes.
    return new ChangeAudit(this.#deps.store, (tx) =>
      audit.committedEvent!(recordOf(passage, 200, null), (ids) => tx.accessKeyPrincipals(ids)),
    );
  }

  #open(call: RequestEnvelope): Passage {
    return this.#deps.gate.open({
      entryPoint: 'rpc',
      requestId: call.requestId,
      time: call.time,
      origin: call.origin,
      headers: call.headers,
      original: null,
    });
  }

  #refusal(call: RequestEnvelope, passage: Passage, error: ApiError): RpcOutcome {
    return {
      status: error.httpStatus,
      body: errorBody(call.requestId, call.hostId, error, passage.progress.product),
      record: recordOf(passage, error.httpStatus, error),
    };
  }

  /** The action's answer, and whether its event was stored with its change (`audited`). */
  async #run(call: RpcCall, passage: Passage): Promise<{ body: Record<string, unknown>; audited?: true }> {
    const { follower, gate } = this.#deps;
    const who = await gate.authenticate(passage, call.request);
    const { caller, action, version, params } = who;
    if (version === undefined) throw missingParameter('Version');
    const product = productOfVersion(version);
    if (product === undefined) throw serverErrors.invalidVersion();
    if (action === undefined) throw missingParameter('Action');

    const service = SERVICE_OF[product];
    await gate.enforce(passage, who, { service, usedAs: product });

    const definition = this.#deps.actions.find(product, action);
    if (definition === undefined) throw serverErrors.actionNotFound();
    await authorize(caller, definition, this.#deps.policiesOf);

    const audit = this.#changeAudit(passage);
    const context = actionContext(this.#deps, {
      requestId: call.requestId,
      caller,
      params,
      source: passage.source,
      audit,
      guardLockout: (target, policy) =>
        guardLockout(
          follower.index,
          { credential: who.key, source: passage.source, service, params },
          target,
          policy,
        ),
    });
    const response = await runAction(definition, product, context);
    return audit?.committed ? { body: response, audited: true } : { body: response };
  }
}
