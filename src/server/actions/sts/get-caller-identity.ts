import type { ActionDefinition } from '../../rpc/action.js';
import { assumedRoleArn, rootArn, userArn } from '../principal.js';

/**
 * STS GetCallerIdentity: who signed the request. Any authenticated caller may ask (no RAM
 * action). `AccessKeyId` is KeyFence's addition: the key the request was signed with.
 */
export const getCallerIdentity: ActionDefinition = {
  product: 'Sts',
  name: 'GetCallerIdentity',
  ramAction: null,
  async handle(context) {
    const { caller, store } = context;
    const { accountId, accessKeyId } = caller;
    switch (caller.type) {
      case 'root-account':
        return {
          AccountId: accountId,
          UserId: accountId,
          PrincipalId: accountId,
          Arn: rootArn(accountId),
          IdentityType: 'Account',
          AccessKeyId: accessKeyId,
        };
      case 'ram-user': {
        const user = await store.getUser(accountId, caller.userName);
        return {
          AccountId: accountId,
          UserId: user.userId,
          PrincipalId: user.userId,
          Arn: userArn(accountId, caller.userName),
          IdentityType: 'RAMUser',
          AccessKeyId: accessKeyId,
        };
      }
      case 'assumed-role': {
        const role = await store.getRole(accountId, caller.roleName);
        return {
          AccountId: accountId,
          RoleId: role.roleId,
          PrincipalId: `${role.roleId}:${caller.roleSessionName}`,
          Arn: assumedRoleArn(accountId, caller.roleName, caller.roleSessionName),
          IdentityType: 'AssumedRoleUser',
          AccessKeyId: accessKeyId,
        };
      }
    }
  },
};
