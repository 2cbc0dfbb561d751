import type { ActionDefinition } from '../../rpc/action.js';
import { readUserSelector, selectedUser } from './support/user-selector.js';

/** Refused while the user has AccessKeys or attached policies, as in RAM (`DeleteConflict.User.*`). */
export const deleteUser: ActionDefinition = {
  product: 'Ims',
  name: 'DeleteUser',
  ramAction: 'ram:DeleteUser',
  async handle(context) {
    const { caller } = context;
    const selector = readUserSelector(context.params, { byAccessKey: false, defaultsToCaller: false });
    await context.write(async (tx) => {
      const user = await selectedUser(tx, caller, selector);
      await tx.deleteUser(caller.accountId, user.userName);
    });
    return {};
  },
};
