import { missingParameter } from '../../errors/api-error.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { readPrincipalName, userByPrincipalName } from '../support/key-target.js';
import { loginProfileBody } from './support/login-profile-body.js';

export const getLoginProfile: ActionDefinition = {
  product: 'Ims',
  name: 'GetLoginProfile',
  ramAction: 'ram:GetLoginProfile',
  async handle(context) {
    const { params, caller, store } = context;
    const principalName = readPrincipalName(params);
    if (principalName === undefined) throw missingParameter('UserPrincipalName');
    const user = await userByPrincipalName(store, caller, principalName);
    return { LoginProfile: loginProfileBody(await store.loginProfile(caller.accountId, user.userName)) };
  },
};
