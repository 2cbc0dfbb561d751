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
    case 'console-session':
      return caller.principal.type === 'root'
        ? rootArn(caller.accountId)
        : userArn(caller.accountId, caller.principal.userName);
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
 * identity and the key it signed with, or the console session it came from (the start of its
 * hash, as the console's audit events show it), so that a change can be traced to one credential.
 */
export const actorOf = (caller: Caller): string =>
  `${callerArn(caller)} (${caller.type === 'console-session' ? `console session ${caller.sessionId.slice(0, 16)}` : caller.accessKeyId})`;

/** The RAM user a caller is, if it is one: signed with the user's key or signed in as the user. */
export function callerUserName(caller: Caller): UserName | undefined {
  if (caller.type === 'ram-user') return caller.userName;
  if (caller.type === 'console-session' && caller.principal.type === 'ram-user') {
    return caller.principal.userName;
  }
  return undefined;
}
