import type { KeyFenceStore } from '../../store/index.js';
import type { PoliciesOf } from './authorize.js';

/** The system policies attached to a RAM user, as the store keeps them (RAM's AttachPolicyToUser). */
export function storePoliciesOf(store: KeyFenceStore): PoliciesOf {
  return async (caller) => {
    const attached = await store.listPoliciesForUser(caller.accountId, caller.userName);
    return attached.filter((a) => a.policyType === 'System').map((a) => a.policyName);
  };
}
