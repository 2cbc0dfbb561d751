import type { ActionDefinition } from '../../rpc/action.js';
import { userBody } from './support/user-body.js';
import { readUserSelector, selectedUser } from './support/user-selector.js';

export const getUser: ActionDefinition = {
  product: 'Ims',
  name: 'GetUser',
  ramAction: 'ram:GetUser',
  async handle(context) {
    const selector = readUserSelector(context.params, { byAccessKey: true, defaultsToCaller: true });
    const user = await selectedUser(context.store, context.caller, selector);
    return { User: { ...userBody(user), UserName: user.userName } };
  },
};
