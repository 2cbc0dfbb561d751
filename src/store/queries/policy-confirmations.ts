import type { Kysely } from 'kysely';
import type { AccessKeyId, AccountId } from '../../common/identifiers.js';
import type { CanonicalEntryMetadataJson } from '../../policy/entry-metadata.js';
import type { CanonicalPolicyJson } from '../../policy/policy-document.js';
import type { PolicyConfirmation, PolicyPass, PolicyScope, ScopePolicy } from '../entities.js';
import type { StoreDatabase } from '../schema/database.js';
import { StoreError } from '../store-error.js';
import type { WriteContext } from '../write-context.js';
import { setPolicy } from './policies.js';

/**
 * Commit-confirmed policy changes (docs/server.md, "Commit-confirmed changes"). `setPolicy` with
 * `autoRevertAt` stores the deadline and what to restore in the scope's row; every other change
 * of the scope clears them. Each write here is conditional on the scope still being at the
 * change's version and the change still awaiting confirmation, inside the write transaction
 * (which holds the change-log lock): of several nodes confirming or reverting the same change,
 * one does it and the others find nothing left to do.
 */

export function getPolicyConfirmation(
  db: Kysely<StoreDatabase>,
  scope: PolicyScope,
): Promise<PolicyConfirmation> {
  return readRow(db, scope).then((row) => ({
    policyVersion: row.policy_version,
    autoRevertAt: row.revert_at === null ? null : new Date(row.revert_at),
    firstPass: row.first_pass === null ? null : decodePass(row.first_pass),
  }));
}

/**
 * Confirms the scope's change `policyVersion` if it still awaits confirmation, recording `pass`
 * (the call that confirmed it, if a call did); true when this call confirmed it. Appends a
 * `policy.confirmed` change, so that the nodes stop watching for a call under it.
 */
export async function confirmPolicyChange(
  tx: WriteContext,
  scope: PolicyScope,
  policyVersion: number,
  pass: PolicyPass | null,
): Promise<boolean> {
  const values = {
    revert_at: null,
    revert_policy: null,
    revert_entry_metadata: null,
    first_pass: pass === null ? null : encodePass(pass),
  };
  const result =
    scope.scope === 'account'
      ? await tx.db
          .updateTable('accounts')
          .set(values)
          .where('account_id', '=', scope.accountId)
          .where('policy_version', '=', policyVersion)
          .where('revert_at', 'is not', null)
          .executeTakeFirst()
      : await tx.db
          .updateTable('access_keys')
          .set(values)
          .where('access_key_id', '=', scope.accessKeyId)
          .where('account_id', '=', scope.accountId)
          .where('policy_version', '=', policyVersion)
          .where('revert_at', 'is not', null)
          .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return false;
  await tx.log.append(scope.accountId, {
    kind: 'policy.confirmed',
    accessKeyId: scope.scope === 'account' ? null : scope.accessKeyId,
    policyVersion,
  });
  return true;
}

/** A change awaiting confirmation whose deadline has passed. */
export interface DuePolicyChange {
  readonly scope: PolicyScope;
  readonly policyVersion: number;
}

/** The changes whose deadline is at or before `now` (ms), at most `limit`, the earliest first. */
export async function listDuePolicyChanges(
  db: Kysely<StoreDatabase>,
  now: number,
  limit: number,
): Promise<DuePolicyChange[]> {
  const accounts = await db
    .selectFrom('accounts')
    .select(['account_id', 'policy_version', 'revert_at'])
    .where('revert_at', '<=', now)
    .orderBy('revert_at')
    .limit(limit)
    .execute();
  const keys = await db
    .selectFrom('access_keys')
    .select(['account_id', 'access_key_id', 'policy_version', 'revert_at'])
    .where('revert_at', '<=', now)
    .orderBy('revert_at')
    .limit(limit)
    .execute();
  return [
    ...accounts.map((r) => ({
      at: r.revert_at!,
      scope: { scope: 'account', accountId: r.account_id as AccountId } as const,
      policyVersion: r.policy_version,
    })),
    ...keys.map((r) => ({
      at: r.revert_at!,
      scope: {
        scope: 'accessKey',
        accountId: r.account_id as AccountId,
        accessKeyId: r.access_key_id as AccessKeyId,
      } as const,
      policyVersion: r.policy_version,
    })),
  ]
    .sort((a, b) => a.at - b.at)
    .slice(0, limit)
    .map(({ scope, policyVersion }) => ({ scope, policyVersion }));
}

/** What reverting a change restored. */
export interface RevertedPolicyChange {
  readonly set: ScopePolicy;
  readonly entryMetadata: CanonicalEntryMetadataJson | null;
}

/**
 * Reverts the scope's change `policyVersion` if it still awaits confirmation and its deadline is
 * at or before `now` (ms): an ordinary change (a new version, in the policy history as
 * by `actor`) restoring the policy and entry metadata from before it. Null when there was nothing
 * to revert.
 */
export async function revertPolicyChange(
  tx: WriteContext,
  scope: PolicyScope,
  policyVersion: number,
  actor: string,
  now: number,
): Promise<RevertedPolicyChange | null> {
  const row = await readRow(tx.db, scope);
  if (row.policy_version !== policyVersion || row.revert_at === null || row.revert_at > now) return null;
  const entryMetadata = row.revert_entry_metadata as CanonicalEntryMetadataJson | null;
  const set = await setPolicy(tx, scope, row.revert_policy as CanonicalPolicyJson, { actor, entryMetadata });
  return { set, entryMetadata };
}

async function readRow(db: Kysely<StoreDatabase>, scope: PolicyScope) {
  const columns = [
    'policy_version',
    'revert_at',
    'revert_policy',
    'revert_entry_metadata',
    'first_pass',
  ] as const;
  const row =
    scope.scope === 'account'
      ? await db
          .selectFrom('accounts')
          .select(columns)
          .where('account_id', '=', scope.accountId)
          .executeTakeFirst()
      : await db
          .selectFrom('access_keys')
          .select(columns)
          .where('access_key_id', '=', scope.accessKeyId)
          .where('account_id', '=', scope.accountId)
          .executeTakeFirst();
  if (row === undefined) {
    throw scope.scope === 'account'
      ? new StoreError('EntityNotExist.Account', scope.accountId)
      : new StoreError('EntityNotExist.User.AccessKey', scope.accessKeyId);
  }
  return row;
}

function encodePass(pass: PolicyPass): string {
  return JSON.stringify({ ...pass, at: pass.at.getTime() });
}

function decodePass(text: string): PolicyPass {
  const stored = JSON.parse(text) as Omit<PolicyPass, 'at'> & { at: number };
  return { ...stored, at: new Date(stored.at) };
}
