import { missingParameter } from '../../errors/api-error.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { readPrincipalName, userByPrincipalName } from '../support/key-target.js';

/** IMS DeleteLoginProfile: the user can no longer sign in, and its console sessions end with it. */
export const deleteLoginProfile: ActionDefinition = {
  product: 'Ims',
  name: 'DeleteLoginProfile',
  ramAction: 'ram:DeleteLoginProfile',
  async handle(context) {
    const { params, caller } = context;
    const principalName = readPrincipalName(params);
    if (principalName === undefined) throw missingParameter('UserPrincipalName');
    await context.write(async (tx) => {
      const user = await userByPrincipalName(tx, caller, principalName);
      await tx.deleteLoginProfile(caller.accountId, user.userName);
      await tx.deleteConsoleSessionsOf(caller.accountId, {
        type: 'ram-user',
        userId: user.userId,
        userName: user.userName,
      });
    });
    return {};
  },
};
