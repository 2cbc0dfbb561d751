import type { Kysely } from 'kysely';
import type { StoreDatabase } from '../schema/database.js';
import type { Snapshot, SnapshotAccessKey, SnapshotAccount } from '../snapshot.js';
import type { StoreDialect, TableScan } from '../store-dialect.js';
import { StoreError } from '../store-error.js';
import { guard } from '../transaction.js';
import { currentVersion } from './change-log.js';

export const DEFAULT_SNAPSHOT_PAGE_SIZE = 10_000;

// Rows are selected under the snapshot's field names, so they are handed out without copying.
const accountColumns = ['account_id as accountId', 'policy', 'policy_version as policyVersion'] as const;
const accessKeyColumns = [
  'access_key_id as accessKeyId',
  'account_id as accountId',
  'user_name as userName',
  'status',
  'policy',
  'policy_version as policyVersion',
] as const;

const accountScan: TableScan<SnapshotAccount> = {
  all: (db) => db.selectFrom('accounts').select(accountColumns).$castTo<SnapshotAccount>(),
  after: (db, after, limit) =>
    db
      .selectFrom('accounts')
      .select(accountColumns)
      .where('account_id', '>', after)
      .orderBy('account_id')
      .limit(limit)
      .$castTo<SnapshotAccount>(),
  key: (row) => row.accountId,
};

const accessKeyScan: TableScan<SnapshotAccessKey> = {
  all: (db) => db.selectFrom('access_keys').select(accessKeyColumns).$castTo<SnapshotAccessKey>(),
  after: (db, after, limit) =>
    db
      .selectFrom('access_keys')
      .select(accessKeyColumns)
      .where('access_key_id', '>', after)
      .orderBy('access_key_id')
      .limit(limit)
      .$castTo<SnapshotAccessKey>(),
  key: (row) => row.accessKeyId,
};

/**
 * Reads a snapshot on a connection already inside a snapshot transaction. Pages come as the
 * dialect scans fastest, so memory holds one page however many keys there are.
 */
export async function readSnapshot<T>(
  dialect: StoreDialect,
  connection: Kysely<StoreDatabase>,
  pageSize: number,
  read: (snapshot: Snapshot) => Promise<T>,
): Promise<T> {
  let open = true;
  const version = await guard(() => currentVersion(connection));

  async function* pages<Row>(table: TableScan<Row>): AsyncGenerator<readonly Row[]> {
    if (!open) throw new StoreError('Store.SnapshotClosed');
    const scan = dialect.scan(connection, table, pageSize);
    for (;;) {
      const next = await guard(() => scan.next());
      if (next.done) return;
      yield next.value;
      if (!open) throw new StoreError('Store.SnapshotClosed');
    }
  }

  try {
    return await read({
      version,
      accounts: () => pages(accountScan),
      accessKeys: () => pages(accessKeyScan),
    });
  } finally {
    open = false;
  }
}
