import type { ActionDefinition } from '../../rpc/action.js';
import { readPolicyReference, readUserName } from './support/policy-params.js';

/** `EntityNotExist.User.Policy` when the policy is not attached to the user. */
export const detachPolicyFromUser: ActionDefinition = {
  product: 'Ram',
  name: 'DetachPolicyFromUser',
  ramAction: 'ram:DetachPolicyFromUser',
  async handle(context) {
    const userName = readUserName(context.params);
    const policy = readPolicyReference(context.params);
    await context.write((tx) => tx.detachPolicyFromUser(context.caller.accountId, userName, policy));
    return {};
  },
};
