import type { ActionDefinition } from '../rpc/action.js';
import {
  getAccessKeyPolicyForAccount,
  setAccessKeyPolicyForAccount,
} from './ims/account-access-key-policy.js';
import { createAccessKey } from './ims/create-access-key.js';
import { createUser } from './ims/create-user.js';
import { deleteAccessKey } from './ims/delete-access-key.js';
import { deleteUser } from './ims/delete-user.js';
import { getAccessKeyLastUsed } from './ims/get-access-key-last-used.js';
import { getAccessKeyPolicy } from './ims/get-access-key-policy.js';
import { getPolicyVersionStatus } from './ims/get-policy-version-status.js';
import { getUser } from './ims/get-user.js';
import { listAccessKeys } from './ims/list-access-keys.js';
import { listUsers } from './ims/list-users.js';
import { setAccessKeyPolicy } from './ims/set-access-key-policy.js';
import { updateAccessKey } from './ims/update-access-key.js';
import { updateUser } from './ims/update-user.js';
import { attachPolicyToUser } from './ram/attach-policy-to-user.js';
import { createRole } from './ram/create-role.js';
import { deleteRole } from './ram/delete-role.js';
import { detachPolicyFromUser } from './ram/detach-policy-from-user.js';
import { getRole } from './ram/get-role.js';
import { listPoliciesForUser } from './ram/list-policies-for-user.js';
import { assumeRole } from './sts/assume-role.js';
import { getCallerIdentity } from './sts/get-caller-identity.js';

/** The IMS, RAM and STS actions, for the server core to register (ActionTrail's are the audit module's). */
export const ALL_ACTIONS: readonly ActionDefinition[] = Object.freeze([
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
  createRole,
  getRole,
  deleteRole,
  attachPolicyToUser,
  detachPolicyFromUser,
  listPoliciesForUser,
  assumeRole,
  getCallerIdentity,
]);
