import { verifyPassword } from '../../../auth/password-hash.js';
import type { Caller } from '../../../request/caller.js';
import { type AccountId, StoreError, type StoreReads, type UserName } from '../../../store/index.js';
import { changePasswordErrors, invalidParameter } from '../../errors/api-error.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { callerUserName } from '../support/principal.js';
import { newPasswordHash, requiredPassword } from './support/password-param.js';

/**
 * IMS ChangePassword: a RAM user changes its own console password, when the account's security
 * preference allows it or its login profile requires a reset. As on Alibaba Cloud, that
 * preference is the permission: no RAM policy is needed (`ramAction: null`), and the handler
 * refuses every caller but a RAM user. Every console session of the user ends in the same
 * transaction.
 */
export const changePassword: ActionDefinition = {
  product: 'Ims',
  name: 'ChangePassword',
  ramAction: null,
  async handle(context) {
    const { params, caller, store } = context;
    const userName = ownUserName(caller);
    const oldPassword = requiredPassword(params, 'OldPassword');
    const newPassword = requiredPassword(params, 'NewPassword');
    // A user told to reset its password may, whatever the preference: it could do nothing else.
    const allowed = (await store.securityPreference(caller.accountId)).allowUserToChangePassword;
    if (!allowed && !(await resetRequired(store, caller.accountId, userName))) {
      throw changePasswordErrors.notAllowed();
    }
    const current = await store.loginProfile(caller.accountId, userName);
    if (!(await verifyPassword(oldPassword, current.passwordHash))) throw wrongOldPassword();
    const passwordHash = await newPasswordHash(newPassword, 'NewPassword');
    await context.write(async (tx) => {
      // The check above was outside the lock: refused if the password changed since.
      const profile = await tx.loginProfile(caller.accountId, userName);
      if (profile.passwordHash !== current.passwordHash) throw wrongOldPassword();
      await tx.updateLoginProfile(caller.accountId, userName, { passwordHash, passwordResetRequired: false });
      const user = await tx.getUser(caller.accountId, userName);
      // From the console, the session changing it stays signed in; every other one ends.
      await tx.deleteConsoleSessionsOf(
        caller.accountId,
        { type: 'ram-user', userId: user.userId, userName },
        caller.type === 'console-session' ? caller.sessionId : undefined,
      );
    });
    return {};
  },
};

const wrongOldPassword = () => invalidParameter('OldPassword', "it is not the user's current password.");

async function resetRequired(store: StoreReads, accountId: AccountId, userName: UserName) {
  try {
    return (await store.loginProfile(accountId, userName)).passwordResetRequired;
  } catch (error) {
    if (error instanceof StoreError) return false;
    throw error;
  }
}

function ownUserName(caller: Caller): UserName {
  const userName = callerUserName(caller);
  if (userName === undefined) throw changePasswordErrors.notRamUser();
  return userName;
}
