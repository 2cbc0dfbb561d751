import type { UserPolicyAttachments } from '../../sync/user-policy-attachments.js';
import type { PoliciesOf } from './authorize.js';

/** The system policies attached to a RAM user, as this node holds them (kept current from the change log). */
export function attachedPoliciesOf(attachments: UserPolicyAttachments): PoliciesOf {
  return async (caller) => attachments.policiesOf(caller.accountId, caller.userName);
}
