import type { Caller } from '../../request/caller.js';
import type { AccountId, UserName } from '../../store/index.js';
import { noPermission } from '../errors/api-error.js';
import type { ActionDefinition } from './action.js';
import { policyAllows } from './system-policies.js';

/** A RAM user: signed with one of its AccessKeys, or signed in to the console as it. */
export interface RamUserRef {
  readonly accountId: AccountId;
  readonly userName: UserName;
}

/** The names of the system policies attached to a RAM user (the store's user policy attachments). */
export type PoliciesOf = (user: RamUserRef) => Promise<readonly string[]>;

/** The RAM user `caller` acts as, or undefined for a root identity or an assumed role. */
function ramUserOf(caller: Caller): RamUserRef | undefined {
  if (caller.type === 'ram-user') return caller;
  if (caller.type === 'console-session' && caller.principal.type === 'ram-user') {
    return { accountId: caller.accountId, userName: caller.principal.userName };
  }
  return undefined;
}

/**
 * Whether `caller` may call `action`, RAM's way for the identities KeyFence has:
 * - an action without a RAM action (`ramAction: null`, e.g. GetCallerIdentity): anyone
 *   authenticated;
 * - the root identity: everything (handlers keep it inside its own account);
 * - a RAM user: what one of its attached system policies allows;
 * - an assumed role: nothing else, since KeyFence stores no policies for roles (a role would
 *   need its own attachments; until then temporary credentials reach only `ramAction: null`).
 * A console session is its principal: the root identity, or the RAM user it signed in as.
 * Refuses with `NoPermission` (403) and Alibaba's `AccessDeniedDetail`.
 */
export async function authorize(
  caller: Caller,
  action: ActionDefinition,
  policiesOf: PoliciesOf,
): Promise<void> {
  const ramAction = action.ramAction;
  if (ramAction === null || caller.type === 'root-account') return;
  if (caller.type === 'console-session' && caller.principal.type === 'root') return;
  const user = ramUserOf(caller);
  if (user !== undefined && (await allows(user, ramAction, policiesOf))) return;
  throw noPermission({
    AccessDeniedDetail: {
      AuthAction: ramAction,
      AuthPrincipalType: user !== undefined ? 'SubUser' : 'AssumedRoleUser',
      AuthPrincipalOwnerId: caller.accountId,
      AuthPrincipalDisplayName:
        user !== undefined
          ? user.userName
          : caller.type === 'assumed-role'
            ? `${caller.roleName}:${caller.roleSessionName}`
            : null,
      NoPermissionType: 'ImplicitDeny',
      PolicyType: 'AccountLevelIdentityBasedPolicy',
    },
  });
}

/** Whether one of the user's attached system policies allows `ramAction`. */
export async function allows(user: RamUserRef, ramAction: string, policiesOf: PoliciesOf): Promise<boolean> {
  const policies = await policiesOf(user);
  return policies.some((name) => policyAllows(name, ramAction));
}
