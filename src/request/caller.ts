import type {
  AccessKeyId,
  AccountId,
  RoleId,
  RoleName,
  TemporaryAccessKeyId,
  UserId,
  UserName,
} from '../store/index.js';

/**
 * Who signed a request, once authenticated. Everything an action may do is scoped to `accountId`.
 * The user and role IDs come with the credential, so naming the caller needs no database.
 */
export type Caller =
  | {
      readonly type: 'root-account';
      readonly accountId: AccountId;
      readonly accessKeyId: AccessKeyId;
    }
  | {
      readonly type: 'ram-user';
      readonly accountId: AccountId;
      readonly accessKeyId: AccessKeyId;
      readonly userName: UserName;
      readonly userId: UserId;
    }
  | {
      readonly type: 'assumed-role';
      readonly accountId: AccountId;
      readonly accessKeyId: TemporaryAccessKeyId;
      readonly roleName: RoleName;
      readonly roleId: RoleId;
      readonly roleSessionName: string;
    };
