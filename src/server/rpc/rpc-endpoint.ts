import type { IncomingHttpHeaders } from 'node:http';
import type { ReplayGuard } from '../../auth/replay-guard.js';
import type { SignedRequest } from '../../auth/signed-request.js';
import { verifyRequest } from '../../auth/verify-request.js';
import type { Credential, Decision } from '../../policy/decision.js';
import type { PolicyLimits } from '../../policy/policy-limits.js';
import type { KeyFenceStore } from '../../store/index.js';
import type { IndexFollower } from '../../sync/index-follower.js';
import type { DecisionCounters } from '../metrics/decision-counters.js';
import { type RequestSource, resolveSource, type SourceOrigin } from '../source/resolve-source.js';
import type { TrustedProxies } from '../source/trusted-proxies.js';
import type { ActionContext, Product } from './action.js';
import { type ActionRegistry, productOfVersion } from './action-registry.js';
import { type ApiError, missingParameter } from './api-error.js';
import type { RecordedSource, RequestRecord } from './audit-sink.js';
import { authorize, type PoliciesOf } from './authorize.js';
import type { Caller } from './caller.js';
import { claimedRequest } from './claimed-request.js';
import { errorBody } from './error-body.js';
import type { KeyUseRecorder } from './key-use-recorder.js';
import { guardLockout } from './lockout-guard.js';
import { accessPolicyDenied, displayAddress, SERVICE_OF } from './network-acl.js';
import { serverErrors } from './server-errors.js';
import { callerOf, credentialLookup, type FindCredential } from './store-credentials.js';
import { toApiError } from './to-api-error.js';

export interface RpcEndpointDependencies {
  readonly store: KeyFenceStore;
  readonly actions: ActionRegistry;
  readonly follower: IndexFollower;
  /** Where request credentials come from: this node's memory, the store for a key not held yet. */
  readonly findCredential: FindCredential;
  readonly trustedProxies: TrustedProxies;
  /** One per server: nonces are remembered across all its requests. */
  readonly replayGuard: ReplayGuard;
  readonly policiesOf: PoliciesOf;
  readonly keyUses: KeyUseRecorder;
  readonly policyLimits: PolicyLimits;
  readonly now: () => Date;
  /** Where every decision is counted, for /metrics. */
  readonly decisions: DecisionCounters;
}

/** One call of the RPC API, as the HTTP layer hands it over: where it came from and how it is addressed. */
export interface RpcCallEnvelope {
  readonly requestId: string;
  readonly time: Date;
  /** What the connection says about where it comes from (TCP peer or PROXY header, listener VPC). */
  readonly origin: SourceOrigin;
  readonly headers: IncomingHttpHeaders;
  readonly hostId: string;
}

/** A call whose body was read: the request exactly as received. */
export interface RpcCall extends RpcCallEnvelope {
  readonly request: SignedRequest;
}

export interface RpcOutcome {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly record: RequestRecord;
  /** Set when the call failed for a reason the client is not told: the HTTP layer logs it. */
  readonly internalError?: unknown;
}

/** What is known about a call so far; becomes its RequestRecord whatever stage it ends at. */
interface Progress {
  action: string | null;
  version: string | null;
  product: Product | null;
  params: Readonly<Record<string, string>> | null;
  caller: Caller | null;
  claimedAccessKeyId: string | null;
  decision: Decision | null;
  appliedVersion: number | null;
}

/** A call under way: its source as the decision sees it and as the record keeps it. */
interface Trace {
  readonly source: RequestSource;
  readonly recorded: RecordedSource;
  readonly progress: Progress;
}

// What the decision sees when a trusted proxy forwarded something unreadable: not an address, so
// every policy denies it, while exempt services, STS credentials and keys without a policy pass.
const UNREADABLE_SOURCE: RequestSource = Object.freeze({ ip: '', via: 'peer' });

/**
 * The RPC API at `/` (DESIGN §6), in the order every call goes through: authenticate (the signed
 * Action and Version, never unsigned headers), find the product, enforce the network ACL of
 * DESIGN §2 for the request's source, find the action, authorize the caller, run the handler.
 * Every outcome, success or refusal at any stage, comes back with its RequestRecord.
 */
export class RpcEndpoint {
  readonly #deps: RpcEndpointDependencies;

  constructor(deps: RpcEndpointDependencies) {
    this.#deps = deps;
  }

  async call(call: RpcCall): Promise<RpcOutcome> {
    const trace = this.#trace(call);
    try {
      const body = await this.#run(call, trace);
      return { status: 200, body, record: this.#record(call, trace, 200, null) };
    } catch (thrown) {
      const { error, internal } = toApiError(thrown);
      return {
        ...this.#refusal(call, trace, error),
        ...(internal ? { internalError: thrown } : {}),
      };
    }
  }

  /** A call refused before its body was read (method, size, media type): answered and recorded alike. */
  refuse(call: RpcCallEnvelope, error: ApiError): RpcOutcome {
    return this.#refusal(call, this.#trace(call), error);
  }

  #trace(call: RpcCallEnvelope): Trace {
    const resolved = resolveSource(call.origin, call.headers, this.#deps.trustedProxies);
    const progress: Progress = {
      action: null,
      version: null,
      product: null,
      params: null,
      caller: null,
      claimedAccessKeyId: null,
      decision: null,
      appliedVersion: null,
    };
    if (resolved.ok) {
      const source = resolved.value;
      return {
        source,
        recorded: { ip: displayAddress(source.ip), vpcId: source.vpcId ?? null, fault: null },
        progress,
      };
    }
    return {
      source: UNREADABLE_SOURCE,
      recorded: { ip: displayAddress(call.origin.address ?? ''), vpcId: null, fault: resolved.error.code },
      progress,
    };
  }

  #refusal(call: RpcCallEnvelope, trace: Trace, error: ApiError): RpcOutcome {
    return {
      status: error.httpStatus,
      body: errorBody(call.requestId, call.hostId, error, trace.progress.product),
      record: this.#record(call, trace, error.httpStatus, error),
    };
  }

  #record(call: RpcCallEnvelope, trace: Trace, status: number, error: ApiError | null): RequestRecord {
    return {
      requestId: call.requestId,
      time: call.time,
      ...trace.progress,
      source: trace.recorded,
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
      httpStatus: status,
      userAgent: call.headers['user-agent']?.slice(0, 512) ?? null,
    };
  }

  async #run(call: RpcCall, trace: Trace): Promise<Record<string, unknown>> {
    const { store, follower, now } = this.#deps;
    const { source, recorded, progress } = trace;
    if (!follower.loaded) throw serverErrors.serviceUnavailable();

    const verified = await verifyRequest(call.request, {
      lookupCredential: credentialLookup(this.#deps.findCredential, call.request),
      replayGuard: this.#deps.replayGuard,
      now,
    });
    if (!verified.ok) {
      const claimed = claimedRequest(call.request);
      progress.claimedAccessKeyId = claimed.accessKeyId;
      progress.action = claimed.action;
      progress.version = claimed.version;
      progress.product = productOfVersion(claimed.version ?? undefined) ?? null;
      throw verified.error;
    }
    const { credential, action, version, params } = verified.value;
    const caller = callerOf(credential);
    progress.caller = caller;
    progress.params = withoutSecurityToken(params);
    progress.action = action ?? null;
    progress.version = version ?? null;
    if (version === undefined) throw missingParameter('Version');
    const product = productOfVersion(version);
    if (product === undefined) throw serverErrors.invalidVersion();
    progress.product = product;
    if (action === undefined) throw missingParameter('Action');

    const service = SERVICE_OF[product];
    const aclCredential: Credential = {
      accessKeyId: credential.accessKeyId,
      temporary: credential.kind === 'temporary',
    };
    // The version is read with the decision, in the same turn of the event loop: no change can be
    // applied in between, so the decision was made under (at least) every change up to it.
    let appliedVersion = follower.appliedVersion;
    let started = performance.now();
    let decision = follower.index.decide(aclCredential, source, service);
    // A key this node has not heard of yet (created on another node within the poll interval):
    // catch up once rather than deny a key the store has just authenticated.
    if (decision.reason === 'unknown-access-key') {
      await follower.catchUp();
      appliedVersion = follower.appliedVersion;
      started = performance.now();
      decision = follower.index.decide(aclCredential, source, service);
    }
    this.#deps.decisions.observe(decision, (performance.now() - started) / 1000);
    progress.decision = decision;
    progress.appliedVersion = appliedVersion;
    if (!decision.allowed) throw accessPolicyDenied(decision, recorded.ip, source.vpcId);
    if (credential.kind === 'permanent') this.#deps.keyUses.record(credential.accessKeyId, now(), product);

    const definition = this.#deps.actions.find(product, action);
    if (definition === undefined) throw serverErrors.actionNotFound();
    await authorize(caller, definition, this.#deps.policiesOf);

    const context: ActionContext = {
      requestId: call.requestId,
      caller,
      params,
      source,
      store,
      changed: async () => {
        await follower.catchUp();
      },
      guardLockout: (target, policy) =>
        guardLockout(follower.index, { credential: aclCredential, source, service, params }, target, policy),
      policyLimits: this.#deps.policyLimits,
      now,
    };
    const body = await definition.handle(context);
    // pop-core treats any success body with a Code as an error (spec §6.5).
    if (Object.hasOwn(body, 'Code')) {
      throw new Error(`action ${product}:${action} returned a Code field in a success body`);
    }
    const response: Record<string, unknown> = { RequestId: call.requestId, ...body };
    // The request's own ID whatever the handler returned: it is what finds the audit event.
    response.RequestId = call.requestId;
    return response;
  }
}

/** V2 carries the SecurityToken as a parameter; it stays out of the record. */
function withoutSecurityToken(params: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  if (params.SecurityToken === undefined) return params;
  const { SecurityToken: _, ...rest } = params;
  return Object.freeze(Object.assign(Object.create(null), rest));
}
