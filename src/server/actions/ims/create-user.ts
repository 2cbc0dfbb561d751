import { missingParameter } from '../../errors/api-error.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { optionalText, requiredText } from '../support/params.js';
import { userBody } from './support/user-body.js';
import { checkDomain, commentsRule, displayNameRule, readNewPrincipalName } from './support/user-params.js';

/** IMS CreateUser: the user name is the local part of `UserPrincipalName`. */
export const createUser: ActionDefinition = {
  product: 'Ims',
  name: 'CreateUser',
  ramAction: 'ram:CreateUser',
  async handle(context) {
    const { params, caller } = context;
    const principal = readNewPrincipalName(params, 'UserPrincipalName', caller);
    if (principal === undefined) throw missingParameter('UserPrincipalName');
    const { userName, domain } = principal;
    const displayName = requiredText(params, 'DisplayName', displayNameRule);
    const comments = optionalText(params, 'Comments', commentsRule);
    const user = await context.write(async (tx) => {
      const created = await tx.createUser(caller.accountId, { userName, displayName, comments });
      // Thrown inside the transaction, so a wrong suffix creates nothing.
      checkDomain('UserPrincipalName', domain, created.userPrincipalName);
      return created;
    });
    return { User: userBody(user) };
  },
};
