import type { Caller } from '../../../request/caller.js';
import type { AccountId, UserName } from '../../../store/index.js';

/** RAM's ARNs for the identities KeyFence has. */
export const rootArn = (accountId: AccountId): string => `acs:ram::${accountId}:root`;

export const userArn = (accountId: AccountId, userName: UserName): string =>
  `acs:ram::${accountId}:user/${userName}`;

/** Role names appear in lower case in ARNs, as in the role's own ARN (see `Role.arn`). */
export const assumedRoleArn = (accountId: AccountId, roleName: string, roleSessionName: string): string =>
  `acs:ram::${accountId}:assumed-role/${roleName.toLowerCase()}/${roleSessionName}`;

export function callerArn(caller: Caller): string {
  switch (caller.type) {
    case 'root-account':
      return rootArn(caller.accountId);
    case 'ram-user':
      return userArn(caller.accountId, caller.userName);
    case 'assumed-role':
      return assumedRoleArn(caller.accountId, caller.roleName, caller.roleSessionName);
  }
}

/**
 * Who made a change, as the store records it (policy history, STS source identity): the
 * identity and the key it signed with, so that a change can be traced to one credential.
 */
export const actorOf = (caller: Caller): string => `${callerArn(caller)} (${caller.accessKeyId})`;
