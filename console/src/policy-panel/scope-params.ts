import type { ActionParams } from '../api/console-client';
import type { PolicyScope } from './policy-scope';

/** Who owns the key a key-level panel edits: a RAM user (by principal name), or the root identity. */
export interface KeyOwner {
  readonly userName: string | undefined;
  readonly userPrincipalName: string | undefined;
}

/** The parameters naming the scope's policy for the IMS Get/Set actions. */
export function policyParams(scope: PolicyScope, owner: KeyOwner | undefined): ActionParams {
  if (scope.kind === 'account') return {};
  return { UserAccessKeyId: scope.accessKeyId, UserPrincipalName: owner?.userPrincipalName };
}

/** The parameters naming the scope for KeyFence's actions (Simulate, Recommend, usage: `AccessKeyId`). */
export function insightParams(scope: PolicyScope): ActionParams {
  return scope.kind === 'account' ? {} : { AccessKeyId: scope.accessKeyId };
}

/** The parameters naming the scope for the descriptions and confirm actions (`UserAccessKeyId`). */
export function metadataParams(scope: PolicyScope): ActionParams {
  return scope.kind === 'account' ? {} : { UserAccessKeyId: scope.accessKeyId };
}

export const getAction = (scope: PolicyScope): string =>
  scope.kind === 'account' ? 'GetAccessKeyPolicyForAccount' : 'GetAccessKeyPolicy';

export const setAction = (scope: PolicyScope): string =>
  scope.kind === 'account' ? 'SetAccessKeyPolicyForAccount' : 'SetAccessKeyPolicy';
