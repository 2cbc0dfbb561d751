import type { Caller } from '../../../../request/caller.js';
import { isAccessKeyId, type PolicyScope, StoreError, type StoreReads } from '../../../../store/index.js';
import type { PolicyTarget } from '../../../rpc/action.js';
import { optionalText, type Params } from '../../support/params.js';

/** The scope a report-only candidate action is about, as the store and the lockout guard name it. */
export interface CandidateScope {
  readonly scope: PolicyScope;
  readonly target: PolicyTarget;
}

/**
 * The optional `UserAccessKeyId` of the candidate actions, checked for size only (its owner is
 * checked in `resolveCandidateScope`). Not `AccessKeyId`: a request signed with HMAC-SHA1 (V2)
 * always carries that one as the signing key, so a call meant for the account's candidate would
 * act on the signing key's.
 */
export function readCandidateKey(params: Params): string | undefined {
  return optionalText(params, 'UserAccessKeyId', { maxLength: 128 });
}

/**
 * The account's scope without a `UserAccessKeyId`, else that key's: one of the caller's account's
 * permanent AccessKeys. Anything else (another account's key, an STS key, which has no policy of
 * its own, an unknown one) is answered alike, `EntityNotExist.User.AccessKey`.
 */
export async function resolveCandidateScope(
  reads: StoreReads,
  caller: Caller,
  accessKeyId: string | undefined,
): Promise<CandidateScope> {
  const { accountId } = caller;
  if (accessKeyId === undefined)
    return { scope: { scope: 'account', accountId }, target: { kind: 'account' } };
  if (!isAccessKeyId(accessKeyId)) throw new StoreError('EntityNotExist.User.AccessKey', accessKeyId);
  const key = await reads.getAccessKey(accountId, accessKeyId);
  return {
    scope: { scope: 'accessKey', accountId, accessKeyId: key.accessKeyId },
    target: { kind: 'accessKey', accessKeyId: key.accessKeyId },
  };
}

/** The scope as the answers name it: `AccessKeyId` for a key's, nothing for the account's. */
export function scopeBody(scope: PolicyScope): Record<string, unknown> {
  return scope.scope === 'accessKey' ? { AccessKeyId: scope.accessKeyId } : {};
}
