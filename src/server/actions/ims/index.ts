import type { ActionDefinition } from '../../rpc/action.js';
import { createAccessKey } from './create-access-key.js';
import { createUser } from './create-user.js';
import { deleteAccessKey } from './delete-access-key.js';
import { deleteUser } from './delete-user.js';
import { getAccessKeyLastUsed } from './get-access-key-last-used.js';
import { getAccessKeyPolicy } from './get-access-key-policy.js';
import { getAccessKeyPolicyForAccount } from './get-access-key-policy-for-account.js';
import { getPolicyVersionStatus } from './get-policy-version-status.js';
import { getUser } from './get-user.js';
import { listAccessKeys } from './list-access-keys.js';
import { listUsers } from './list-users.js';
import { setAccessKeyPolicy } from './set-access-key-policy.js';
import { setAccessKeyPolicyForAccount } from './set-access-key-policy-for-account.js';
import { updateAccessKey } from './update-access-key.js';
import { updateUser } from './update-user.js';

/** IMS 2019-08-15: users, AccessKeys and their network ACLs. */
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
]);
