import type { Kysely } from 'kysely';
import type { CanonicalPolicyJson } from '../../policy/policy-document.js';
import type { PolicyScope, ScopePolicy } from '../entities.js';
import type { StoreDatabase } from '../schema/database.js';
import { StoreError } from '../store-error.js';
import type { WriteContext } from '../write-context.js';

/**
 * A scope's report-only candidate (docs/server.md, "Report-only candidates"): `policy` null and
 * version 0 when none is staged. Fails as `getPolicy` does for an unknown account or key.
 */
export async function getPolicyCandidate(
  db: Kysely<StoreDatabase>,
  scope: PolicyScope,
): Promise<ScopePolicy> {
  const row =
    scope.scope === 'account'
      ? await db
          .selectFrom('accounts')
          .select(['candidate', 'candidate_version'])
          .where('account_id', '=', scope.accountId)
          .executeTakeFirst()
      : await db
          .selectFrom('access_keys')
          .select(['candidate', 'candidate_version'])
          .where('access_key_id', '=', scope.accessKeyId)
          .where('account_id', '=', scope.accountId)
          .executeTakeFirst();
  if (row === undefined) {
    throw scope.scope === 'account'
      ? new StoreError('EntityNotExist.Account', scope.accountId)
      : new StoreError('EntityNotExist.User.AccessKey', scope.accessKeyId);
  }
  return { policy: row.candidate as CanonicalPolicyJson | null, version: row.candidate_version };
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
  const { accountId } = scope;
  if (scope.scope === 'account') {
    const version = await tx.log.append(accountId, { kind: 'candidate.account.set', policy });
    await tx.db
      .updateTable('accounts')
      .set({ candidate: policy, candidate_version: policy === null ? 0 : version })
      .where('account_id', '=', accountId)
      .execute();
    return { policy, version };
  }
  const { accessKeyId } = scope;
  const version = await tx.log.append(accountId, { kind: 'candidate.key.set', accessKeyId, policy });
  await tx.db
    .updateTable('access_keys')
    .set({ candidate: policy, candidate_version: policy === null ? 0 : version })
    .where('access_key_id', '=', accessKeyId)
    .execute();
  return { policy, version };
}
