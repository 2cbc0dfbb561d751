import type { AggregationBound } from '../../insights/cidr-ceiling.js';
import type { Credential, Source } from '../../policy/decision.js';
import type { Explanation } from '../../policy/decision-index.js';
import type { AccessKeyPolicy } from '../../policy/policy-document.js';
import type { PolicyLimits } from '../../policy/policy-limits.js';
import type { Caller } from '../../request/caller.js';
import type { Product } from '../../request/product.js';
import type { RequestSource } from '../../request/source/resolve-source.js';
import type { KeyFenceStore, StoreReads, StoreTransaction } from '../../store/index.js';

/** What a handler reads the store through; its changes go through `ActionContext.write`. */
export type StoreView = StoreReads &
  Pick<KeyFenceStore, 'currentVersion' | 'listNodes' | 'lookupAuditEvents' | 'keySourceRollups'>;

/** Everything an action handler may use. Handlers never see HTTP. */
export interface ActionContext {
  readonly requestId: string;
  readonly caller: Caller;
  /** The signed request parameters (query and form body merged), names as sent. */
  readonly params: Readonly<Record<string, string>>;
  readonly source: RequestSource;
  readonly store: StoreView;
  /**
   * Every change a handler makes: runs `work` in one store transaction, which the call's audit
   * event commits with (change-audit.ts), then waits until this node's decision index has applied
   * the change, so that it is enforced before the response is sent (read-your-writes on this
   * node). A transaction that rolls back takes the event with it and catches nothing up.
   */
  readonly write: <T>(work: (tx: StoreTransaction) => Promise<T>) => Promise<T>;
  /**
   * The lockout guard: throws `ApiError` `LockoutPrevented` when setting `policy`
   * on `scope` would deny this very request (same key, same source), unless the request asked
   * to override it. Call it before writing a policy.
   */
  readonly guardLockout: (scope: PolicyTarget, policy: AccessKeyPolicy) => void;
  /**
   * What this node enforces now for `credential` from `source` calling `service`, and what each
   * scope's policy would decide alone: read from the node's decision index, never the store.
   */
  readonly explain: (credential: Credential, source: Source, service: string) => Promise<Explanation>;
  /** The deployment's limits on AccessKeyPolicy documents (`policyLimits`). */
  readonly policyLimits: PolicyLimits;
  /** `audit.retentionDays`: whole UTC days of audit data kept before today's. */
  readonly auditRetentionDays: number;
  /** Services exempt from network ACLs on every path (`exemptServices`). */
  readonly exemptServices: readonly string[];
  /** `insights.simulateMaxSources`. */
  readonly simulateMaxSources: number;
  /** `console.logonMaskLimit`: masks `LoginNetworkMasks` may hold. */
  readonly logonMaskLimit: number;
  /** The widest block RecommendAccessKeyPolicy aggregates sources into (`insights.recommendMaxPrefixV4`/`V6`). */
  readonly recommendBound: AggregationBound;
  readonly now: () => Date;
}

/** Which policy a write replaces: the account-level one, or one AccessKey's. */
export type PolicyTarget =
  | { readonly kind: 'account' }
  | { readonly kind: 'accessKey'; readonly accessKeyId: string };

/**
 * One API action. `ramAction` is what authorization checks (e.g. `ram:CreateUser`); null means
 * any authenticated caller may call it (e.g. GetCallerIdentity). The handler returns the
 * response body without `RequestId`, which the endpoint adds; it throws `ApiError` (or a
 * `StoreError`, mapped by the endpoint) to refuse.
 */
export interface ActionDefinition {
  readonly product: Product;
  readonly name: string;
  readonly ramAction: string | null;
  readonly handle: (context: ActionContext) => Promise<Record<string, unknown>>;
}
