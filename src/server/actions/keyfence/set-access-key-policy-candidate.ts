import type { ActionDefinition } from '../../rpc/action.js';
import { readAccessKeyPolicy, warningsBody } from '../ims/support/policy-parameter.js';
import { readCandidateKey, resolveCandidateScope, scopeBody } from './support/candidate-scope.js';

/**
 * Stages a report-only candidate for the account (no `UserAccessKeyId`) or one of its permanent
 * AccessKeys, replacing any staged before: every decision for a key under that scope evaluates it
 * too, and nothing but the audit log, the rollups and a metric hears what it decides. The
 * document is validated exactly as SetAccessKeyPolicy validates one (same limits, same errors).
 * `CandidateVersion` is the change's version: a node at that version (GetPolicyVersionStatus)
 * evaluates the candidate.
 */
export const setAccessKeyPolicyCandidate: ActionDefinition = {
  product: 'Keyfence',
  name: 'SetAccessKeyPolicyCandidate',
  ramAction: 'keyfence:SetAccessKeyPolicyCandidate',
  async handle(context) {
    const { caller } = context;
    const accessKeyId = readCandidateKey(context.params);
    const accepted = readAccessKeyPolicy(context.params, context.policyLimits);
    const { scope, set } = await context.write(async (tx) => {
      const { scope } = await resolveCandidateScope(tx, caller, accessKeyId);
      return { scope, set: await tx.setPolicyCandidate(scope, accepted.canonical) };
    });
    return {
      ...scopeBody(scope),
      AccessKeyPolicy: set.policy,
      CandidateVersion: set.version,
      ...warningsBody(accepted.warnings),
    };
  },
};
