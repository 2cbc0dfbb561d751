import type { ActionDefinition } from '../../rpc/action.js';
import { attachPolicyToUser } from './attach-policy-to-user.js';
import { createRole } from './create-role.js';
import { deleteRole } from './delete-role.js';
import { detachPolicyFromUser } from './detach-policy-from-user.js';
import { getRole } from './get-role.js';
import { listPoliciesForUser } from './list-policies-for-user.js';

/** RAM 2015-05-01: roles, and the system policies attached to users. */
export const RAM_ACTIONS: readonly ActionDefinition[] = Object.freeze([
  createRole,
  getRole,
  deleteRole,
  attachPolicyToUser,
  detachPolicyFromUser,
  listPoliciesForUser,
]);
