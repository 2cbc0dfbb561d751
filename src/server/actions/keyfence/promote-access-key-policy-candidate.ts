import { candidateNotFound } from '../../errors/api-error.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { readExpectedPolicyVersion } from '../ims/support/expected-policy-version.js';
import { readAccessKeyPolicy, warningsBody } from '../ims/support/policy-parameter.js';
import { actorOf } from '../support/principal.js';
import { readCandidateKey, resolveCandidateScope, scopeBody } from './support/candidate-scope.js';

/**
 * Makes the scope's staged candidate its enforced policy: an ordinary policy change, as
 * SetAccessKeyPolicy (or …ForAccount) would make it with that document — validated again against
 * today's limits, the lockout guard (`IgnoreLockoutCheck`), `ExpectedPolicyVersion`, the policy
 * history — with the candidate removed in the same transaction, before the policy is set, so that
 * the `PolicyVersion` receipt covers both.
 */
export const promoteAccessKeyPolicyCandidate: ActionDefinition = {
  product: 'Keyfence',
  name: 'PromoteAccessKeyPolicyCandidate',
  ramAction: 'keyfence:PromoteAccessKeyPolicyCandidate',
  async handle(context) {
    const { caller } = context;
    const accessKeyId = readCandidateKey(context.params);
    const expectedVersion = readExpectedPolicyVersion(context.params);
    const { scope, set, warnings } = await context.write(async (tx) => {
      const { scope, target } = await resolveCandidateScope(tx, caller, accessKeyId);
      const candidate = await tx.getPolicyCandidate(scope);
      if (candidate.policy === null) throw candidateNotFound();
      const accepted = readAccessKeyPolicy({ AccessKeyPolicy: candidate.policy }, context.policyLimits);
      context.guardLockout(target, accepted.policy);
      await tx.setPolicyCandidate(scope, null);
      const set = await tx.setPolicy(scope, accepted.canonical, { actor: actorOf(caller), expectedVersion });
      return { scope, set, warnings: accepted.warnings };
    });
    return {
      ...scopeBody(scope),
      AccessKeyPolicy: set.policy,
      PolicyVersion: set.version,
      ...warningsBody(warnings),
    };
  },
};
