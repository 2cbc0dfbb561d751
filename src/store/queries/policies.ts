import type { Kysely, Selectable } from 'kysely';
import type { AccessKeyId, AccountId } from '../../common/identifiers.js';
import { type CanonicalEntryMetadataJson, carryEntryMetadata } from '../../policy/entry-metadata.js';
import type { AccessKeyPolicy, CanonicalPolicyJson } from '../../policy/policy-document.js';
import { serializePolicy } from '../../policy/serialize-policy.js';
import type { PolicyChange, PolicyScope, ScopePolicy } from '../entities.js';
import { DEFAULT_PAGE_LIMIT } from '../page.js';
import type { PolicyHistoryTable, StoreDatabase } from '../schema/database.js';
import { PolicyVersionConflictError, StoreError } from '../store-error.js';
import type { WriteContext } from '../write-context.js';
import { requireAccount } from './accounts.js';
import { getEntryMetadata, writePolicyState } from './entry-metadata.js';
import { readScopePolicy, writeScopePolicy } from './scope-policy.js';

export interface PolicyWriteOptions {
  /** Recorded in the policy history as who made the change. */
  readonly actor: string;
  /**
   * The policy version the caller read (0 for never set). When given and the policy has moved
   * on, the write fails with `Conflict.PolicyVersion` instead of overwriting the other change.
   */
  readonly expectedVersion?: number;
  /**
   * The scope's entry descriptions and parked entries with this policy, checked against it by
   * the caller (null: none). Absent, those of the entries still in the policy and the parked
   * ones are kept (`carryEntryMetadata`): what a Set from an SDK, which knows nothing of them, does.
   */
  readonly entryMetadata?: CanonicalEntryMetadataJson | null;
  /**
   * Commit-confirmed (docs/server.md): reverted at this time (ms) unless confirmed before
   * (`policy-confirmations.ts`). The policy and metadata from before are kept to restore: a scope
   * whose policy was never set gets back the cleared policy, which decides as none does.
   */
  readonly autoRevertAt?: number;
}

/** What a scope without a policy of its own decides like: `Inactive`, no statements. */
const CLEARED_POLICY = serializePolicy({ Version: 1, Status: 'Inactive', Statements: [] });

export interface HistoryPage {
  /** Only entries older than this version. */
  readonly beforeVersion?: number;
  /** At most this many, newest first; default 100. */
  readonly limit?: number;
}

export function getPolicy(db: Kysely<StoreDatabase>, scope: PolicyScope): Promise<ScopePolicy> {
  return readScopePolicy(db, scope, 'policy');
}

export async function setPolicy(
  tx: WriteContext,
  scope: PolicyScope,
  policy: CanonicalPolicyJson,
  options: PolicyWriteOptions,
  rolledBackTo: number | null = null,
): Promise<ScopePolicy> {
  const current = await getPolicy(tx.db, scope);
  if (options.expectedVersion !== undefined && options.expectedVersion !== current.version) {
    throw new PolicyVersionConflictError(
      scope.scope === 'account' ? scope.accountId : scope.accessKeyId,
      options.expectedVersion,
      current.version,
    );
  }
  const { accountId } = scope;
  const { entryMetadata: metadataBefore } = await getEntryMetadata(tx.db, scope);
  const entryMetadata =
    options.entryMetadata !== undefined
      ? options.entryMetadata
      : carryEntryMetadata(metadataBefore, JSON.parse(policy) as AccessKeyPolicy);
  const { autoRevertAt } = options;
  const fields = {
    policy,
    rolledBackTo,
    ...(entryMetadata === null ? {} : { entryMetadata }),
    ...(autoRevertAt === undefined ? {} : { autoRevertAt }),
  };
  const version = await tx.log.append(
    accountId,
    scope.scope === 'account'
      ? { kind: 'policy.account.set', ...fields }
      : { kind: 'policy.key.set', accessKeyId: scope.accessKeyId, ...fields },
  );
  await writeScopePolicy(tx.db, scope, 'policy', { policy, version });
  await writePolicyState(tx.db, scope, {
    entry_metadata: entryMetadata,
    // Any change ends the confirmation of the one before: it is kept, or replaced, by this one.
    revert_at: autoRevertAt ?? null,
    revert_policy: autoRevertAt === undefined ? null : (current.policy ?? CLEARED_POLICY),
    revert_entry_metadata: autoRevertAt === undefined ? null : metadataBefore,
    first_pass: null,
  });
  await tx.db
    .insertInto('policy_history')
    .values({
      version,
      account_id: accountId,
      access_key_id: scope.scope === 'account' ? null : scope.accessKeyId,
      actor: options.actor,
      at: tx.now,
      policy_before: current.policy,
      policy_after: policy,
      entry_metadata_before: metadataBefore,
      entry_metadata_after: entryMetadata,
      rolled_back_to: rolledBackTo,
    })
    .execute();
  return { policy, version };
}

/**
 * Sets the scope's policy back to what the change `toVersion` made it, entry metadata included;
 * itself a new change.
 */
export async function rollbackPolicy(
  tx: WriteContext,
  scope: PolicyScope,
  toVersion: number,
  options: PolicyWriteOptions,
): Promise<ScopePolicy> {
  const target = await historyOf(tx.db, scope)
    .select(['policy_after', 'entry_metadata_after'])
    .where('version', '=', toVersion)
    .executeTakeFirst();
  if (target?.policy_after == null) throw new StoreError('EntityNotExist.PolicyVersion', String(toVersion));
  return setPolicy(
    tx,
    scope,
    target.policy_after as CanonicalPolicyJson,
    { ...options, entryMetadata: target.entry_metadata_after as CanonicalEntryMetadataJson | null },
    toVersion,
  );
}

/** Newest first. A deleted key's history stays readable: its last entry records the deletion. */
export async function listPolicyHistory(
  db: Kysely<StoreDatabase>,
  scope: PolicyScope,
  page: HistoryPage = {},
): Promise<PolicyChange[]> {
  await requireAccount(db, scope.accountId);
  const rows = await historyOf(db, scope)
    .selectAll()
    .$if(page.beforeVersion !== undefined, (q) => q.where('version', '<', page.beforeVersion!))
    .orderBy('version', 'desc')
    .limit(page.limit ?? DEFAULT_PAGE_LIMIT)
    .execute();
  return rows.map(toPolicyChange);
}

function historyOf(db: Kysely<StoreDatabase>, scope: PolicyScope) {
  const entries = db.selectFrom('policy_history').where('account_id', '=', scope.accountId);
  return scope.scope === 'account'
    ? entries.where('access_key_id', 'is', null)
    : entries.where('access_key_id', '=', scope.accessKeyId);
}

function toPolicyChange(row: Selectable<PolicyHistoryTable>): PolicyChange {
  const accountId = row.account_id as AccountId;
  return {
    version: row.version,
    at: new Date(row.at),
    actor: row.actor,
    scope:
      row.access_key_id === null
        ? { scope: 'account', accountId }
        : { scope: 'accessKey', accountId, accessKeyId: row.access_key_id as AccessKeyId },
    before: row.policy_before as CanonicalPolicyJson | null,
    after: row.policy_after as CanonicalPolicyJson | null,
    rolledBackTo: row.rolled_back_to,
    entryMetadataBefore: row.entry_metadata_before as CanonicalEntryMetadataJson | null,
    entryMetadataAfter: row.entry_metadata_after as CanonicalEntryMetadataJson | null,
  };
}
