import type { Kysely, Updateable } from 'kysely';
import type { CanonicalEntryMetadataJson } from '../../policy/entry-metadata.js';
import type { PolicyScope, ScopeEntryMetadata } from '../entities.js';
import type { AccountTable, StoreDatabase } from '../schema/database.js';
import { StoreError } from '../store-error.js';

/**
 * A scope's entry descriptions and parked entries, with the version of the policy they go with
 * (docs/server.md, "Entry descriptions and parked entries"). Fails as `getPolicy` does for an
 * unknown account or key. Written only by `setPolicy` (`writePolicyState`), in the policy's change.
 */
export async function getEntryMetadata(
  db: Kysely<StoreDatabase>,
  scope: PolicyScope,
): Promise<ScopeEntryMetadata> {
  const row =
    scope.scope === 'account'
      ? await db
          .selectFrom('accounts')
          .select(['entry_metadata', 'policy_version'])
          .where('account_id', '=', scope.accountId)
          .executeTakeFirst()
      : await db
          .selectFrom('access_keys')
          .select(['entry_metadata', 'policy_version'])
          .where('access_key_id', '=', scope.accessKeyId)
          .where('account_id', '=', scope.accountId)
          .executeTakeFirst();
  if (row === undefined) {
    throw scope.scope === 'account'
      ? new StoreError('EntityNotExist.Account', scope.accountId)
      : new StoreError('EntityNotExist.User.AccessKey', scope.accessKeyId);
  }
  return {
    entryMetadata: row.entry_metadata as CanonicalEntryMetadataJson | null,
    policyVersion: row.policy_version,
  };
}

/** What a policy change writes beside the policy in the scope's row (`setPolicy`). */
export type PolicyState = Pick<
  Updateable<AccountTable>,
  'entry_metadata' | 'revert_at' | 'revert_policy' | 'revert_entry_metadata' | 'first_pass'
>;

export async function writePolicyState(
  db: Kysely<StoreDatabase>,
  scope: PolicyScope,
  values: PolicyState,
): Promise<void> {
  if (scope.scope === 'account') {
    await db.updateTable('accounts').set(values).where('account_id', '=', scope.accountId).execute();
  } else {
    await db.updateTable('access_keys').set(values).where('access_key_id', '=', scope.accessKeyId).execute();
  }
}
