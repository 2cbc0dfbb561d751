import type { AggregationBound } from '../../insights/cidr-ceiling.js';
import type { PolicyLimits } from '../../policy/policy-limits.js';
import type { Caller } from '../../request/caller.js';
import type { Product } from '../../request/product.js';
import type { RequestSource } from '../../request/source/resolve-source.js';
import type { KeyFenceStore } from '../../store/index.js';
import type { IndexFollower } from '../../sync/index-follower.js';
import type { ActionContext, ActionDefinition } from './action.js';
import type { ChangeAudit } from './change-audit.js';

/**
 * What every action context is built from, whichever way the call came in (the RPC API, the web
 * console): the store, this node's decision index, and the deployment's settings.
 */
export interface ActionServices {
  readonly store: KeyFenceStore;
  readonly follower: IndexFollower;
  readonly policyLimits: PolicyLimits;
  /** `audit.retentionDays`, for the actions that read audit data over a window. */
  readonly auditRetentionDays: number;
  /** Services exempt from network ACLs on every path, for the actions that simulate decisions. */
  readonly exemptServices: readonly string[];
  /** `insights.simulateMaxSources`. */
  readonly simulateMaxSources: number;
  /** `console.logonMaskLimit`, for SetSecurityPreference. */
  readonly logonMaskLimit: number;
  /** `insights.recommendMaxPrefixV4`/`V6`, for RecommendAccessKeyPolicy. */
  readonly recommendBound: AggregationBound;
  readonly now: () => Date;
}

/** One call, as its entry point established it. */
export interface ActionCall {
  readonly requestId: string;
  readonly caller: Caller;
  readonly params: Readonly<Record<string, string>>;
  readonly source: RequestSource;
  /** Stores the call's event with its change; undefined when the sink keeps no events. */
  readonly audit: ChangeAudit | undefined;
  readonly guardLockout: ActionContext['guardLockout'];
}

/** The context an action handler runs in: the same for every entry point. */
export function actionContext(services: ActionServices, call: ActionCall): ActionContext {
  const { follower, store } = services;
  const { audit } = call;
  return {
    requestId: call.requestId,
    caller: call.caller,
    params: call.params,
    source: call.source,
    store,
    write: async (work) => {
      const result = await (audit === undefined ? store.write(work) : audit.write(work));
      await follower.catchUp();
      return result;
    },
    guardLockout: call.guardLockout,
    explain: async (credential, source, code) => {
      const explained = follower.index.explain(credential, source, code);
      if (explained.decision.reason !== 'unknown-access-key') return explained;
      // A key created on another node within the poll interval: as the gate does, catch up once.
      await follower.catchUp();
      return follower.index.explain(credential, source, code);
    },
    policyLimits: services.policyLimits,
    auditRetentionDays: services.auditRetentionDays,
    exemptServices: services.exemptServices,
    simulateMaxSources: services.simulateMaxSources,
    logonMaskLimit: services.logonMaskLimit,
    recommendBound: services.recommendBound,
    now: services.now,
  };
}

/** Runs the handler; its answer with the call's `RequestId`, whatever the handler returned. */
export async function runAction(
  definition: ActionDefinition,
  product: Product,
  context: ActionContext,
): Promise<Record<string, unknown>> {
  const body = await definition.handle(context);
  // pop-core treats any success body with a Code as an error.
  if (Object.hasOwn(body, 'Code')) {
    throw new Error(`action ${product}:${definition.name} returned a Code field in a success body`);
  }
  const response: Record<string, unknown> = { RequestId: context.requestId, ...body };
  // The request's own ID whatever the handler returned: it is what finds the audit event.
  response.RequestId = context.requestId;
  return response;
}
