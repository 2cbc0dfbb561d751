import { formatAlibabaTime } from '../../../../common/alibaba-time.js';
import type { Role } from '../../../../store/index.js';

/** A role as RAM's `Role` structure shows it (CreateRole; GetRole adds `UpdateDate`). */
export function roleBody(role: Role): Record<string, unknown> {
  return {
    RoleId: role.roleId,
    RoleName: role.roleName,
    Arn: role.arn,
    Description: role.description,
    AssumeRolePolicyDocument: role.assumeRolePolicyDocument,
    MaxSessionDuration: role.maxSessionDuration,
    CreateDate: formatAlibabaTime(role.createdAt),
  };
}
