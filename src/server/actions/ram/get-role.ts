import { formatAlibabaTime } from '../../../common/alibaba-time.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { roleBody } from './support/role-body.js';
import { readRoleName } from './support/role-name.js';

export const getRole: ActionDefinition = {
  product: 'Ram',
  name: 'GetRole',
  ramAction: 'ram:GetRole',
  async handle(context) {
    const role = await context.store.getRole(context.caller.accountId, readRoleName(context.params));
    return { Role: { ...roleBody(role), UpdateDate: formatAlibabaTime(role.updatedAt) } };
  },
};
