import type { AccessKeyId, AccountId, RoleName, TemporaryAccessKeyId, UserName } from '../../store/index.js';

/** Who signed a request, once authenticated. Everything an action may do is scoped to `accountId`. */
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
    }
  | {
      readonly type: 'assumed-role';
      readonly accountId: AccountId;
      readonly accessKeyId: TemporaryAccessKeyId;
      readonly roleName: RoleName;
      readonly roleSessionName: string;
    };
