import type { Kysely } from 'kysely';
import type { CanonicalPolicyJson } from '../../policy/policy-document.js';
import type { PolicyScope, ScopePolicy } from '../entities.js';
import type { StoreDatabase } from '../schema/database.js';
import type { WriteContext } from '../write-context.js';
import { readScopePolicy, writeScopePolicy } from './scope-policy.js';

/**
 * A scope's report-only candidate (docs/server.md, "Report-only candidates"): `policy` null and
 * version 0 when none is staged. Fails as `getPolicy` does for an unknown account or key.
 */
export function getPolicyCandidate(db: Kysely<StoreDatabase>, scope: PolicyScope): Promise<ScopePolicy> {
  return readScopePolicy(db, scope, 'candidate');
}

/**
 * Stages `policy` as the scope's candidate, or with null removes it. Goes through the change
 * log like a policy change, so that every node's decision index evaluates it within one poll.
 * Not in the policy history: nothing enforced changed.
 */
export async function setPolicyCandidate(
  tx: WriteContext,
  scope: PolicyScope,
  policy: CanonicalPolicyJson | null,
): Promise<ScopePolicy> {
  await getPolicyCandidate(tx.db, scope);
  const version = await tx.log.append(
    scope.accountId,
    scope.scope === 'account'
      ? { kind: 'candidate.account.set', policy }
      : { kind: 'candidate.key.set', accessKeyId: scope.accessKeyId, policy },
  );
  await writeScopePolicy(tx.db, scope, 'candidate', { policy, version: policy === null ? 0 : version });
  return { policy, version };
}
