import { NEVER_SET_POLICY } from '../../../policy/policy-document.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { confirmationBody } from './support/confirmation-body.js';

/**
 * The account-level network ACL: `{}` when it was never set, `PolicyVersion` 0 then; with
 * `AutoRevertAt` and `FirstAllowedCall` for a commit-confirmed change (confirmation-body.ts).
 */
export const getAccessKeyPolicyForAccount: ActionDefinition = {
  product: 'Ims',
  name: 'GetAccessKeyPolicyForAccount',
  ramAction: 'ram:GetAccessKeyPolicyForAccount',
  async handle(context) {
    const scope = { scope: 'account', accountId: context.caller.accountId } as const;
    const current = await context.store.getPolicy(scope);
    return {
      AccessKeyPolicy: current.policy ?? NEVER_SET_POLICY,
      PolicyVersion: current.version,
      ...confirmationBody(await context.store.getPolicyConfirmation(scope)),
    };
  },
};
