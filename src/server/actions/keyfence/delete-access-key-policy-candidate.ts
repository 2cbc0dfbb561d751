import { candidateNotFound } from '../../errors/api-error.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { readCandidateKey, resolveCandidateScope, scopeBody } from './support/candidate-scope.js';

/**
 * Removes the scope's report-only candidate without promoting it; the enforced policy is
 * untouched. `CandidateVersion` is the change's version (a node at it evaluates no candidate
 * for the scope); `EntityNotExist.AccessKeyPolicyCandidate` when none is staged.
 */
export const deleteAccessKeyPolicyCandidate: ActionDefinition = {
  product: 'Keyfence',
  name: 'DeleteAccessKeyPolicyCandidate',
  ramAction: 'keyfence:DeleteAccessKeyPolicyCandidate',
  async handle(context) {
    const { caller } = context;
    const accessKeyId = readCandidateKey(context.params);
    const { scope, removed } = await context.write(async (tx) => {
      const { scope } = await resolveCandidateScope(tx, caller, accessKeyId);
      if ((await tx.getPolicyCandidate(scope)).policy === null) throw candidateNotFound();
      return { scope, removed: await tx.setPolicyCandidate(scope, null) };
    });
    return { ...scopeBody(scope), CandidateVersion: removed.version };
  },
};
