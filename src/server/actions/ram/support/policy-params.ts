import type { PolicyReference, UserName } from '../../../../store/index.js';
import { invalidParameter, policyNotFound } from '../../../errors/api-error.js';
import { isSystemPolicy } from '../../../rpc/system-policies.js';
import { type Params, requiredText } from '../../support/params.js';

/** RAM's `UserName` parameter: the user's name, not its principal name. */
export function readUserName(params: Params): UserName {
  return requiredText(params, 'UserName', {
    maxLength: 64,
    pattern: /^[0-9A-Za-z._-]+$/,
    shape: 'a user name of letters, digits, ".", "_" and "-"',
  }) as UserName;
}

/** `PolicyType` and `PolicyName` of Attach/DetachPolicyToUser: a system policy KeyFence has. */
export function readPolicyReference(params: Params): PolicyReference {
  const policyType = requiredText(params, 'PolicyType', { maxLength: 64 });
  const policyName = requiredText(params, 'PolicyName', {
    maxLength: 128,
    pattern: /^[0-9A-Za-z-]+$/,
    shape: 'a policy name of letters, digits and "-"',
  });
  if (policyType !== 'System') {
    throw invalidParameter('PolicyType', 'it must be System: KeyFence has system policies only.');
  }
  if (!isSystemPolicy(policyName)) throw policyNotFound();
  return { policyType, policyName };
}
