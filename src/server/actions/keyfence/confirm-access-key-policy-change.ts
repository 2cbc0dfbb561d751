import { missingParameter, policyChangeNotPending } from '../../errors/api-error.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { optionalInteger } from '../support/params.js';
import { readCandidateKey, resolveCandidateScope, scopeBody } from './support/candidate-scope.js';

/**
 * Keeps a commit-confirmed policy change (docs/server.md, "Commit-confirmed changes"): the
 * console's Keep. `PolicyVersion` must be the scope's current version; a change confirmed already
 * (by a call that passed, or an earlier Keep) or made without a deadline is answered alike, so
 * that a second click does no harm. `UserAccessKeyId` names a key's policy; absent, the account's.
 */
export const confirmAccessKeyPolicyChange: ActionDefinition = {
  product: 'Keyfence',
  name: 'ConfirmAccessKeyPolicyChange',
  ramAction: 'keyfence:ConfirmAccessKeyPolicyChange',
  async handle(context) {
    const { caller, params } = context;
    const accessKeyId = readCandidateKey(params);
    const policyVersion = optionalInteger(params, 'PolicyVersion', { min: 1, max: 999_999_999_999_999 });
    if (policyVersion === undefined) throw missingParameter('PolicyVersion');
    const scope = await context.write(async (tx) => {
      const { scope } = await resolveCandidateScope(tx, caller, accessKeyId);
      const current = await tx.getPolicy(scope);
      if (current.version !== policyVersion) throw policyChangeNotPending(policyVersion, current.version);
      await tx.confirmPolicyChange(scope, policyVersion, null);
      return scope;
    });
    return { ...scopeBody(scope), PolicyVersion: policyVersion };
  },
};
