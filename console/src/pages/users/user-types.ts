/** A user as IMS's `User` structures show it (ListUsers, GetUser adds `UserName`). */
export interface RamUser {
  readonly UserPrincipalName: string;
  readonly DisplayName: string;
  readonly UserId: string;
  readonly Comments?: string;
  readonly CreateDate: string;
  readonly UpdateDate: string;
  /** The last console sign-in; absent for never. */
  readonly LastLoginDate?: string;
}

export interface ListUsersAnswer {
  readonly IsTruncated: boolean;
  readonly Marker?: string;
  readonly Users: { readonly User: readonly RamUser[] };
}

export interface GetUserAnswer {
  readonly User: RamUser & { readonly UserName: string };
}

/** IMS 2019-08-15 `LoginProfile`, as GetLoginProfile answers it. */
export interface LoginProfile {
  readonly UserPrincipalName: string;
  readonly Status: 'Active' | 'Inactive';
  readonly PasswordResetRequired: boolean;
  readonly MFABindRequired?: boolean;
  readonly UpdateDate?: string;
}

export interface GetLoginProfileAnswer {
  readonly LoginProfile: LoginProfile;
}

/** The user name is the principal name's local part (`alice` of `alice@1234….onaliyun.com`). */
export const userNameOf = (principalName: string): string =>
  principalName.slice(0, principalName.lastIndexOf('@'));
