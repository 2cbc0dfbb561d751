import { NEVER_SET_POLICY } from '../../../policy/policy-document.js';
import type { ActionDefinition } from '../../rpc/action.js';

/** The account-level network ACL: `{}` when it was never set, `PolicyVersion` 0 then. */
export const getAccessKeyPolicyForAccount: ActionDefinition = {
  product: 'Ims',
  name: 'GetAccessKeyPolicyForAccount',
  ramAction: 'ram:GetAccessKeyPolicyForAccount',
  async handle(context) {
    const current = await context.store.getPolicy({ scope: 'account', accountId: context.caller.accountId });
    return { AccessKeyPolicy: current.policy ?? NEVER_SET_POLICY, PolicyVersion: current.version };
  },
};
