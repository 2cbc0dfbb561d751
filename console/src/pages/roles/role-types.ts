/** RAM's `Role` structure (CreateRole; GetRole adds `UpdateDate`). */
export interface Role {
  readonly RoleId: string;
  readonly RoleName: string;
  readonly Arn: string;
  readonly Description?: string;
  readonly AssumeRolePolicyDocument: string;
  readonly MaxSessionDuration: number;
  readonly CreateDate: string;
  readonly UpdateDate?: string;
}

export interface RoleAnswer {
  readonly Role: Role;
}

/** RAM's usual starting trust policy: any identity of this account that may call AssumeRole. */
export const accountTrustPolicy = (accountId: string): string =>
  JSON.stringify(
    {
      Version: '1',
      Statement: [
        { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${accountId}:root`] } },
      ],
    },
    null,
    2,
  );
