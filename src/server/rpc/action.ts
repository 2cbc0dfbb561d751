import type { AccessKeyPolicy } from '../../policy/policy-document.js';
import type { PolicyLimits } from '../../policy/policy-limits.js';
import type { Caller } from '../../request/caller.js';
import type { Product } from '../../request/product.js';
import type { RequestSource } from '../../request/source/resolve-source.js';
import type { KeyFenceStore } from '../../store/index.js';

/** Everything an action handler may use. Handlers never see HTTP. */
export interface ActionContext {
  readonly requestId: string;
  readonly caller: Caller;
  /** The signed request parameters (query and form body merged), names as sent. */
  readonly params: Readonly<Record<string, string>>;
  readonly source: RequestSource;
  readonly store: KeyFenceStore;
  /**
   * Called by a handler after it has written to the store, so that this node's decision index
   * applies the change before the response is sent (read-your-writes on this node).
   */
  readonly changed: () => Promise<void>;
  /**
   * The lockout guard (DESIGN §2): throws `ApiError` `LockoutPrevented` when setting `policy`
   * on `scope` would deny this very request (same key, same source), unless the request asked
   * to override it. Call it before writing a policy.
   */
  readonly guardLockout: (scope: PolicyTarget, policy: AccessKeyPolicy) => void;
  /** The deployment's limits on AccessKeyPolicy documents (`policyLimits`). */
  readonly policyLimits: PolicyLimits;
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
