import type { ActionDefinition } from '../../rpc/action.js';
import { optionalText } from '../support/params.js';
import { userBody } from './support/user-body.js';
import { checkDomain, commentsRule, displayNameRule, readNewPrincipalName } from './support/user-params.js';
import { readUserSelector, selectedUser } from './support/user-selector.js';

/** IMS UpdateUser; a new principal name renames the user, whose keys and policies follow. */
export const updateUser: ActionDefinition = {
  product: 'Ims',
  name: 'UpdateUser',
  ramAction: 'ram:UpdateUser',
  async handle(context) {
    const { params, caller } = context;
    const selector = readUserSelector(params, { byAccessKey: false, defaultsToCaller: false });
    const renamed = readNewPrincipalName(params, 'NewUserPrincipalName', caller);
    const newDisplayName = optionalText(params, 'NewDisplayName', displayNameRule);
    const newComments = optionalText(params, 'NewComments', commentsRule);
    const user = await context.write(async (tx) => {
      const current = await selectedUser(tx, caller, selector);
      if (renamed !== undefined)
        checkDomain('NewUserPrincipalName', renamed.domain, current.userPrincipalName);
      return tx.updateUser(caller.accountId, current.userName, {
        newUserName: renamed?.userName,
        newDisplayName,
        newComments,
      });
    });
    return { User: userBody(user) };
  },
};
