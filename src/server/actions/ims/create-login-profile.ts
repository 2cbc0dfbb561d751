import { missingParameter } from '../../errors/api-error.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { readPrincipalName, userByPrincipalName } from '../support/key-target.js';
import { loginProfileBody } from './support/login-profile-body.js';
import { readLoginProfileSettings } from './support/login-profile-params.js';
import { newPasswordHash, requiredPassword } from './support/password-param.js';

/** IMS CreateLoginProfile: gives a RAM user a console password. */
export const createLoginProfile: ActionDefinition = {
  product: 'Ims',
  name: 'CreateLoginProfile',
  ramAction: 'ram:CreateLoginProfile',
  async handle(context) {
    const { params, caller } = context;
    const principalName = readPrincipalName(params);
    if (principalName === undefined) throw missingParameter('UserPrincipalName');
    const password = requiredPassword(params, 'Password');
    const settings = readLoginProfileSettings(params);
    // An unknown user is refused before the costly hash.
    await userByPrincipalName(context.store, caller, principalName);
    const passwordHash = await newPasswordHash(password, 'Password');
    const profile = await context.write(async (tx) => {
      const user = await userByPrincipalName(tx, caller, principalName);
      return tx.createLoginProfile(caller.accountId, user.userName, { passwordHash, ...settings });
    });
    return { LoginProfile: loginProfileBody(profile) };
  },
};
