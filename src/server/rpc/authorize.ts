import type { Caller } from '../../request/caller.js';
import { noPermission } from '../errors/api-error.js';
import type { ActionDefinition } from './action.js';
import { policyAllows } from './system-policies.js';

/** The names of the system policies attached to a RAM user (the store's user policy attachments). */
export type PoliciesOf = (
  caller: Extract<Caller, { readonly type: 'ram-user' }>,
) => Promise<readonly string[]>;

/**
 * Whether `caller` may call `action`, RAM's way for the identities KeyFence has:
 * - an action without a RAM action (`ramAction: null`, e.g. GetCallerIdentity): anyone
 *   authenticated;
 * - the root identity: everything (handlers keep it inside its own account);
 * - a RAM user: what one of its attached system policies allows;
 * - an assumed role: nothing else, since KeyFence stores no policies for roles (a role would
 *   need its own attachments; until then temporary credentials reach only `ramAction: null`).
 * Refuses with `NoPermission` (403) and Alibaba's `AccessDeniedDetail`.
 */
export async function authorize(
  caller: Caller,
  action: ActionDefinition,
  policiesOf: PoliciesOf,
): Promise<void> {
  const ramAction = action.ramAction;
  if (ramAction === null || caller.type === 'root-account') return;
  if (caller.type === 'ram-user') {
    const policies = await policiesOf(caller);
    if (policies.some((name) => policyAllows(name, ramAction))) return;
  }
  throw noPermission({
    AccessDeniedDetail: {
      AuthAction: ramAction,
      AuthPrincipalType: caller.type === 'ram-user' ? 'SubUser' : 'AssumedRoleUser',
      AuthPrincipalOwnerId: caller.accountId,
      AuthPrincipalDisplayName:
        caller.type === 'ram-user' ? caller.userName : `${caller.roleName}:${caller.roleSessionName}`,
      NoPermissionType: 'ImplicitDeny',
      PolicyType: 'AccountLevelIdentityBasedPolicy',
    },
  });
}
