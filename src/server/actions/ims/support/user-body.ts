import { formatAlibabaTime } from '../../../../common/alibaba-time.js';
import type { RamUser } from '../../../../store/index.js';

/**
 * A user as IMS's `User` structures show it (CreateUser, GetUser, UpdateUser, ListUsers).
 * `LastLoginDate`, the last console sign-in, is absent for a user who never signed in.
 */
export function userBody(user: RamUser): Record<string, unknown> {
  return {
    UserPrincipalName: user.userPrincipalName,
    DisplayName: user.displayName,
    UserId: user.userId,
    Comments: user.comments,
    CreateDate: formatAlibabaTime(user.createdAt),
    UpdateDate: formatAlibabaTime(user.updatedAt),
    ...(user.lastLoginAt === null ? {} : { LastLoginDate: formatAlibabaTime(user.lastLoginAt) }),
  };
}
