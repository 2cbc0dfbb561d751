import type { Kysely } from 'kysely';
import type { CanonicalPolicyJson } from '../../policy/policy-document.js';
import type { PolicyScope, ScopePolicy } from '../entities.js';
import type { StoreDatabase } from '../schema/database.js';
import { StoreError } from '../store-error.js';

/**
 * Where a scope's row keeps a policy document and its version: the enforced policy, or the
 * report-only candidate. Accounts and keys have both, in columns of the same names.
 */
export type PolicySlot = 'policy' | 'candidate';

/** The scope's document of `slot` and its version; fails for an unknown account or key. */
export async function readScopePolicy(
  db: Kysely<StoreDatabase>,
  scope: PolicyScope,
  slot: PolicySlot,
): Promise<ScopePolicy> {
  const versionColumn = `${slot}_version` as const;
  const row =
    scope.scope === 'account'
      ? await db
          .selectFrom('accounts')
          .select((eb) => [eb.ref(slot).as('policy'), eb.ref(versionColumn).as('version')])
          .where('account_id', '=', scope.accountId)
          .executeTakeFirst()
      : await db
          .selectFrom('access_keys')
          .select((eb) => [eb.ref(slot).as('policy'), eb.ref(versionColumn).as('version')])
          .where('access_key_id', '=', scope.accessKeyId)
          .where('account_id', '=', scope.accountId)
          .executeTakeFirst();
  if (row === undefined) {
    throw scope.scope === 'account'
      ? new StoreError('EntityNotExist.Account', scope.accountId)
      : new StoreError('EntityNotExist.User.AccessKey', scope.accessKeyId);
  }
  return { policy: row.policy as CanonicalPolicyJson | null, version: row.version };
}

/** Stores `policy` and `version` in the scope's `slot`; the change log has the change already. */
export async function writeScopePolicy(
  db: Kysely<StoreDatabase>,
  scope: PolicyScope,
  slot: PolicySlot,
  { policy, version }: ScopePolicy,
): Promise<void> {
  const values =
    slot === 'policy'
      ? { policy, policy_version: version }
      : { candidate: policy, candidate_version: version };
  if (scope.scope === 'account') {
    await db.updateTable('accounts').set(values).where('account_id', '=', scope.accountId).execute();
  } else {
    await db.updateTable('access_keys').set(values).where('access_key_id', '=', scope.accessKeyId).execute();
  }
}
