import type { Insertable, Kysely, Selectable } from 'kysely';
import type { AccessKeyId, AccountId, UserName } from '../../common/identifiers.js';
import type { CanonicalPolicyJson } from '../../policy/policy-document.js';
import type { ChangeBody } from '../change-log/change-record.js';
import type { AccessKey, AccessKeyStatus, CreatedAccessKey } from '../entities.js';
import { newAccessKeyId, newAccessKeySecret } from '../identifiers/random-ids.js';
import type { AccessKeyTable, PolicyHistoryTable, StoreDatabase } from '../schema/database.js';
import { StoreError } from '../store-error.js';
import type { WriteContext } from '../write-context.js';
import { requireAccount } from './accounts.js';
import { requireUser } from './users.js';

export interface NewAccessKey {
  /** The owning RAM user; absent or null for the account's root identity. */
  readonly userName?: UserName | null;
  readonly status?: AccessKeyStatus;
  /** A policy to set on the new key in the same transaction (recorded as a separate change). */
  readonly policy?: CanonicalPolicyJson;
}

export interface AccessKeyUse {
  readonly accessKeyId: AccessKeyId;
  readonly at: Date;
  readonly service: string;
}

type AccessKeyRow = Omit<
  Selectable<AccessKeyTable>,
  | 'sealed_secret'
  | 'policy'
  | 'policy_version'
  | 'candidate'
  | 'candidate_version'
  | 'entry_metadata'
  | 'revert_at'
  | 'revert_policy'
  | 'revert_entry_metadata'
  | 'first_pass'
>;

const publicColumns = [
  'access_key_id',
  'account_id',
  'user_name',
  'status',
  'created_at',
  'updated_at',
  'last_used_at',
  'last_used_service',
] as const;

// Rows per INSERT: well under SQLite's 32766 bound variables (11 columns per row).
const rowsPerInsert = 500;

const toAccessKey = (row: AccessKeyRow): AccessKey => ({
  accessKeyId: row.access_key_id as AccessKeyId,
  accountId: row.account_id as AccountId,
  userName: row.user_name as UserName | null,
  status: row.status as AccessKeyStatus,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
  lastUsed:
    row.last_used_at === null
      ? null
      : { at: new Date(row.last_used_at), service: row.last_used_service ?? '' },
});

export async function getAccessKey(
  db: Kysely<StoreDatabase>,
  accountId: AccountId,
  accessKeyId: AccessKeyId,
): Promise<AccessKey> {
  const row = await db
    .selectFrom('access_keys')
    .select(publicColumns)
    .where('access_key_id', '=', accessKeyId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (row === undefined) throw new StoreError('EntityNotExist.User.AccessKey', accessKeyId);
  return toAccessKey(row);
}

/** All of an account's keys, or only those of one owner (a user name, or null for root). */
export async function listAccessKeys(
  db: Kysely<StoreDatabase>,
  accountId: AccountId,
  filter: { readonly owner?: UserName | null } = {},
): Promise<AccessKey[]> {
  await requireAccount(db, accountId);
  const { owner } = filter;
  if (typeof owner === 'string') await requireUser(db, accountId, owner);
  const rows = await db
    .selectFrom('access_keys')
    .select(publicColumns)
    .where('account_id', '=', accountId)
    .$if(owner === null, (q) => q.where('user_name', 'is', null))
    .$if(typeof owner === 'string', (q) => q.where('user_name', '=', owner!))
    .orderBy('created_at')
    .orderBy('access_key_id')
    .execute();
  return rows.map(toAccessKey);
}

/**
 * Creates keys in one transaction, in request order: each gets a `key.created` change and,
 * when the request carries a policy, a `policy.key.set` change right after it. Rows are
 * inserted many per statement, which is what makes loading a million keys practical.
 */
export async function createAccessKeys(
  tx: WriteContext,
  accountId: AccountId,
  requests: readonly NewAccessKey[],
  actor: string,
): Promise<CreatedAccessKey[]> {
  await requireAccount(tx.db, accountId);
  await checkUserKeyLimits(tx, accountId, requests);
  const box = await tx.settings.secrets.sealer(tx.db);

  const created: CreatedAccessKey[] = [];
  const changes: Array<readonly [AccountId, ChangeBody]> = [];
  // Where each request's policy change sits in `changes`, to find its version afterwards.
  const policyChangeIndex: number[] = [];
  for (const request of requests) {
    const status = request.status ?? 'Active';
    checkStatus(status);
    const key: CreatedAccessKey = {
      accessKeyId: newAccessKeyId(),
      accessKeySecret: newAccessKeySecret(),
      accountId,
      userName: request.userName ?? null,
      status,
      createdAt: new Date(tx.now),
      updatedAt: new Date(tx.now),
      lastUsed: null,
    };
    created.push(key);
    changes.push([
      accountId,
      { kind: 'key.created', accessKeyId: key.accessKeyId, userName: key.userName, status },
    ]);
    policyChangeIndex.push(request.policy === undefined ? -1 : changes.length);
    if (request.policy !== undefined) {
      changes.push([
        accountId,
        { kind: 'policy.key.set', accessKeyId: key.accessKeyId, policy: request.policy, rolledBackTo: null },
      ]);
    }
  }
  const versions = await tx.log.appendAll(changes);

  const keyRows: Insertable<AccessKeyTable>[] = [];
  const historyRows: Insertable<PolicyHistoryTable>[] = [];
  created.forEach((key, index) => {
    const policy = requests[index]!.policy ?? null;
    const policyVersion = policy === null ? 0 : versions[policyChangeIndex[index]!]!;
    keyRows.push({
      access_key_id: key.accessKeyId,
      account_id: accountId,
      user_name: key.userName,
      status: key.status,
      sealed_secret: box.seal(key.accessKeySecret, key.accessKeyId),
      created_at: tx.now,
      updated_at: tx.now,
      policy,
      policy_version: policyVersion,
    });
    if (policy !== null) {
      historyRows.push({
        version: policyVersion,
        account_id: accountId,
        access_key_id: key.accessKeyId,
        actor,
        at: tx.now,
        policy_before: null,
        policy_after: policy,
      });
    }
  });
  for (let start = 0; start < keyRows.length; start += rowsPerInsert) {
    await tx.db
      .insertInto('access_keys')
      .values(keyRows.slice(start, start + rowsPerInsert))
      .execute();
  }
  for (let start = 0; start < historyRows.length; start += rowsPerInsert) {
    await tx.db
      .insertInto('policy_history')
      .values(historyRows.slice(start, start + rowsPerInsert))
      .execute();
  }
  return created;
}

export async function updateAccessKey(
  tx: WriteContext,
  accountId: AccountId,
  accessKeyId: AccessKeyId,
  status: AccessKeyStatus,
): Promise<AccessKey> {
  checkStatus(status);
  const current = await getAccessKey(tx.db, accountId, accessKeyId);
  await tx.db
    .updateTable('access_keys')
    .set({ status, updated_at: tx.now })
    .where('access_key_id', '=', accessKeyId)
    .execute();
  await tx.log.append(accountId, { kind: 'key.updated', accessKeyId, status });
  return { ...current, status, updatedAt: new Date(tx.now) };
}

/** The key's policy goes with it; if it had one, the policy history records the removal. */
export async function deleteAccessKey(
  tx: WriteContext,
  accountId: AccountId,
  accessKeyId: AccessKeyId,
  actor: string,
): Promise<void> {
  const row = await tx.db
    .selectFrom('access_keys')
    .select(['policy', 'entry_metadata'])
    .where('access_key_id', '=', accessKeyId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (row === undefined) throw new StoreError('EntityNotExist.User.AccessKey', accessKeyId);
  await tx.db.deleteFrom('access_keys').where('access_key_id', '=', accessKeyId).execute();
  const version = await tx.log.append(accountId, { kind: 'key.deleted', accessKeyId });
  if (row.policy !== null) {
    await tx.db
      .insertInto('policy_history')
      .values({
        version,
        account_id: accountId,
        access_key_id: accessKeyId,
        actor,
        at: tx.now,
        policy_before: row.policy,
        policy_after: null,
        entry_metadata_before: row.entry_metadata,
      })
      .execute();
  }
}

/**
 * Records when keys were last used. This is telemetry, not configuration: it takes no
 * change-log lock and writes no change record, so heavy traffic never queues behind (or
 * floods) the log. An older report never overwrites a newer one.
 */
export async function recordAccessKeyUse(
  db: Kysely<StoreDatabase>,
  uses: readonly AccessKeyUse[],
): Promise<void> {
  // Sorted so that two concurrent batches lock rows in the same order and cannot deadlock.
  const sorted = [...uses].sort((a, b) =>
    a.accessKeyId < b.accessKeyId ? -1 : a.accessKeyId > b.accessKeyId ? 1 : 0,
  );
  for (const use of sorted) {
    const at = use.at.getTime();
    await db
      .updateTable('access_keys')
      .set({ last_used_at: at, last_used_service: use.service })
      .where('access_key_id', '=', use.accessKeyId)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
      .execute();
  }
}

async function checkUserKeyLimits(
  tx: WriteContext,
  accountId: AccountId,
  requests: readonly NewAccessKey[],
): Promise<void> {
  const requested = new Map<UserName, number>();
  for (const { userName } of requests) {
    if (userName !== undefined && userName !== null)
      requested.set(userName, (requested.get(userName) ?? 0) + 1);
  }
  for (const [userName, count] of requested) {
    await requireUser(tx.db, accountId, userName);
    const existing = await tx.db
      .selectFrom('access_keys')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('account_id', '=', accountId)
      .where('user_name', '=', userName)
      .executeTakeFirstOrThrow();
    if (Number(existing.count) + count > tx.settings.maxAccessKeysPerUser) {
      throw new StoreError('LimitExceeded.User.AccessKey', userName);
    }
  }
}

function checkStatus(status: string): void {
  if (status !== 'Active' && status !== 'Inactive') throw new StoreError('InvalidParameter.Status', status);
}
