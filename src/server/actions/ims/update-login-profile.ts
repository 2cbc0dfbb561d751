import { missingParameter } from '../../errors/api-error.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { readPrincipalName, userByPrincipalName } from '../support/key-target.js';
import { loginProfileBody } from './support/login-profile-body.js';
import { readLoginProfileSettings } from './support/login-profile-params.js';
import { newPasswordHash, optionalPassword } from './support/password-param.js';

/**
 * IMS UpdateLoginProfile. A new password, or the profile made Inactive, ends the user's console
 * sessions in the same transaction: whoever knew the old password is signed out at once.
 */
export const updateLoginProfile: ActionDefinition = {
  product: 'Ims',
  name: 'UpdateLoginProfile',
  ramAction: 'ram:UpdateLoginProfile',
  async handle(context) {
    const { params, caller } = context;
    const principalName = readPrincipalName(params);
    if (principalName === undefined) throw missingParameter('UserPrincipalName');
    const password = optionalPassword(params, 'Password');
    const settings = readLoginProfileSettings(params);
    // A user without a profile is refused before the costly hash.
    const current = await userByPrincipalName(context.store, caller, principalName);
    await context.store.loginProfile(caller.accountId, current.userName);
    const passwordHash = password === undefined ? undefined : await newPasswordHash(password, 'Password');
    const profile = await context.write(async (tx) => {
      const user = await userByPrincipalName(tx, caller, principalName);
      const updated = await tx.updateLoginProfile(caller.accountId, user.userName, {
        passwordHash,
        ...settings,
      });
      if (passwordHash !== undefined || settings.status === 'Inactive') {
        await tx.deleteConsoleSessionsOf(caller.accountId, {
          type: 'ram-user',
          userId: user.userId,
          userName: user.userName,
        });
      }
      return updated;
    });
    return { LoginProfile: loginProfileBody(profile) };
  },
};
