import type { ActionDefinition } from '../../rpc/action.js';
import { assumedRoleArn, rootArn, userArn } from '../support/principal.js';

/**
 * STS GetCallerIdentity: who signed the request. Any authenticated caller may ask (no RAM
 * action). `AccessKeyId` is KeyFence's addition: the key the request was signed with. Answered
 * from the authenticated caller alone, so it works while the database is unreachable.
 */
export const getCallerIdentity: ActionDefinition = {
  product: 'Sts',
  name: 'GetCallerIdentity',
  ramAction: null,
  async handle(context) {
    const { caller } = context;
    const { accountId, accessKeyId } = caller;
    switch (caller.type) {
      // Signed in to the console: who, as for a key, without the key.
      case 'console-session':
        return caller.principal.type === 'root'
          ? {
              AccountId: accountId,
              UserId: accountId,
              PrincipalId: accountId,
              Arn: rootArn(accountId),
              IdentityType: 'Account',
            }
          : {
              AccountId: accountId,
              UserId: caller.principal.userId,
              PrincipalId: caller.principal.userId,
              Arn: userArn(accountId, caller.principal.userName),
              IdentityType: 'RAMUser',
            };
      case 'root-account':
        return {
          AccountId: accountId,
          UserId: accountId,
          PrincipalId: accountId,
          Arn: rootArn(accountId),
          IdentityType: 'Account',
          AccessKeyId: accessKeyId,
        };
      case 'ram-user':
        return {
          AccountId: accountId,
          UserId: caller.userId,
          PrincipalId: caller.userId,
          Arn: userArn(accountId, caller.userName),
          IdentityType: 'RAMUser',
          AccessKeyId: accessKeyId,
        };
      case 'assumed-role':
        return {
          AccountId: accountId,
          RoleId: caller.roleId,
          PrincipalId: `${caller.roleId}:${caller.roleSessionName}`,
          Arn: assumedRoleArn(accountId, caller.roleName, caller.roleSessionName),
          IdentityType: 'AssumedRoleUser',
          AccessKeyId: accessKeyId,
        };
    }
  },
};
