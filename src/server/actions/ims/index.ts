import type { ActionDefinition } from '../../rpc/action.js';
import { changePassword } from './change-password.js';
import { createAccessKey } from './create-access-key.js';
import { createLoginProfile } from './create-login-profile.js';
import { createUser } from './create-user.js';
import { deleteAccessKey } from './delete-access-key.js';
import { deleteLoginProfile } from './delete-login-profile.js';
import { deleteUser } from './delete-user.js';
import { getAccessKeyLastUsed } from './get-access-key-last-used.js';
import { getAccessKeyPolicy } from './get-access-key-policy.js';
import { getAccessKeyPolicyForAccount } from './get-access-key-policy-for-account.js';
import { getLoginProfile } from './get-login-profile.js';
import { getPolicyVersionStatus } from './get-policy-version-status.js';
import { getSecurityPreference } from './get-security-preference.js';
import { getUser } from './get-user.js';
import { listAccessKeys } from './list-access-keys.js';
import { listUsers } from './list-users.js';
import { setAccessKeyPolicy } from './set-access-key-policy.js';
import { setAccessKeyPolicyForAccount } from './set-access-key-policy-for-account.js';
import { setSecurityPreference } from './set-security-preference.js';
import { updateAccessKey } from './update-access-key.js';
import { updateLoginProfile } from './update-login-profile.js';
import { updateUser } from './update-user.js';

/** IMS 2019-08-15: users, their console logon, AccessKeys and their network ACLs; the security preference. */
export const IMS_ACTIONS: readonly ActionDefinition[] = Object.freeze([
  createUser,
  getUser,
  listUsers,
  updateUser,
  deleteUser,
  createAccessKey,
  listAccessKeys,
  updateAccessKey,
  deleteAccessKey,
  getAccessKeyLastUsed,
  setAccessKeyPolicy,
  getAccessKeyPolicy,
  setAccessKeyPolicyForAccount,
  getAccessKeyPolicyForAccount,
  getPolicyVersionStatus,
  createLoginProfile,
  getLoginProfile,
  updateLoginProfile,
  deleteLoginProfile,
  changePassword,
  setSecurityPreference,
  getSecurityPreference,
]);
