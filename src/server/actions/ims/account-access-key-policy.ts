import { NEVER_SET_POLICY } from '../../../policy/policy-document.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { actorOf } from '../principal.js';
import { readAccessKeyPolicy, warningsBody } from './policy-parameter.js';

/**
 * The account-level network ACL, which applies to every key of the account without an Active
 * key-level policy. No SDK models these two actions; the parameters follow the key-level pair.
 */
export const setAccessKeyPolicyForAccount: ActionDefinition = {
  product: 'Ims',
  name: 'SetAccessKeyPolicyForAccount',
  ramAction: 'ram:SetAccessKeyPolicyForAccount',
  async handle(context) {
    const { caller, store } = context;
    const accepted = readAccessKeyPolicy(context.params, context.policyLimits);
    const set = await store.write(async (tx) => {
      context.guardLockout({ kind: 'account' }, accepted.policy);
      const scope = { scope: 'account', accountId: caller.accountId } as const;
      return tx.setPolicy(scope, accepted.canonical, { actor: actorOf(caller) });
    });
    await context.changed();
    return { AccessKeyPolicy: set.policy, PolicyVersion: set.version, ...warningsBody(accepted.warnings) };
  },
};

export const getAccessKeyPolicyForAccount: ActionDefinition = {
  product: 'Ims',
  name: 'GetAccessKeyPolicyForAccount',
  ramAction: 'ram:GetAccessKeyPolicyForAccount',
  async handle(context) {
    const current = await context.store.getPolicy({ scope: 'account', accountId: context.caller.accountId });
    return { AccessKeyPolicy: current.policy ?? NEVER_SET_POLICY, PolicyVersion: current.version };
  },
};
