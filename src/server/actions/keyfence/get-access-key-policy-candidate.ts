import { candidateNotFound } from '../../errors/api-error.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { readCandidateKey, resolveCandidateScope, scopeBody } from './support/candidate-scope.js';

/**
 * The scope's staged report-only candidate, with the version of the policy it would replace
 * (`PolicyVersion`, for PromoteAccessKeyPolicyCandidate's `ExpectedPolicyVersion`);
 * `EntityNotExist.AccessKeyPolicyCandidate` when none is staged.
 */
export const getAccessKeyPolicyCandidate: ActionDefinition = {
  product: 'Keyfence',
  name: 'GetAccessKeyPolicyCandidate',
  ramAction: 'keyfence:GetAccessKeyPolicyCandidate',
  async handle({ caller, params, store }) {
    const { scope } = await resolveCandidateScope(store, caller, readCandidateKey(params));
    const candidate = await store.getPolicyCandidate(scope);
    if (candidate.policy === null) throw candidateNotFound();
    const enforced = await store.getPolicy(scope);
    return {
      ...scopeBody(scope),
      AccessKeyPolicy: candidate.policy,
      CandidateVersion: candidate.version,
      PolicyVersion: enforced.version,
    };
  },
};
