import type { ActionDefinition } from '../../rpc/action.js';
import { readPolicyReference, readUserName } from './support/policy-params.js';

/** Grants a RAM user what a system policy allows; `EntityAlreadyExists.User.Policy` when attached already. */
export const attachPolicyToUser: ActionDefinition = {
  product: 'Ram',
  name: 'AttachPolicyToUser',
  ramAction: 'ram:AttachPolicyToUser',
  async handle(context) {
    const userName = readUserName(context.params);
    const policy = readPolicyReference(context.params);
    await context.write((tx) => tx.attachPolicyToUser(context.caller.accountId, userName, policy));
    return {};
  },
};
