import type { ActionDefinition } from '../../rpc/action.js';
import { readRoleName } from './support/role-name.js';

/** The temporary credentials issued for the role stop working at once (the store revokes them). */
export const deleteRole: ActionDefinition = {
  product: 'Ram',
  name: 'DeleteRole',
  ramAction: 'ram:DeleteRole',
  async handle(context) {
    const roleName = readRoleName(context.params);
    await context.write((tx) => tx.deleteRole(context.caller.accountId, roleName));
    return {};
  },
};
