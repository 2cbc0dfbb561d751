import { type Kysely, sql } from 'kysely';
import { err, ok } from '../../common/result.js';
import type { StoreDatabase } from '../schema/database.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { SigningCredential } from '../signing-credential.js';
import type {
  Snapshot,
  SnapshotAccessKey,
  SnapshotAccount,
  SnapshotCandidate,
  SnapshotPendingChange,
  SnapshotPolicyAttachment,
  SnapshotSigningCredential,
} from '../snapshot.js';
import type { StoreDialect, TableScan } from '../store-dialect.js';
import { isStoreError, StoreError } from '../store-error.js';
import type { StoreSettings } from '../store-settings.js';
import { guard } from '../transaction.js';
import { currentVersion } from './change-log.js';
import {
  openPermanentCredential,
  openTemporaryCredential,
  type PermanentCredentialRow,
  selectPermanentCredentials,
  selectTemporaryCredentials,
  type TemporaryCredentialRow,
} from './signing-credentials.js';

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

// Few scopes hold a candidate: these scans return those alone, so a snapshot of a million keys
// without any reads no candidate column of theirs.
const accountCandidateScan: TableScan<SnapshotCandidate> = {
  all: (db) => accountCandidates(db),
  after: (db, after, limit) =>
    accountCandidates(db).where('account_id', '>', after).orderBy('account_id').limit(limit),
  key: (row) => row.accountId,
};

function accountCandidates(db: Kysely<StoreDatabase>) {
  return db
    .selectFrom('accounts')
    .select([
      'account_id as accountId',
      sql<null>`null`.as('accessKeyId'),
      'candidate as policy',
      'candidate_version as version',
    ])
    .where('candidate', 'is not', null)
    .$castTo<SnapshotCandidate>();
}

const keyCandidateScan: TableScan<SnapshotCandidate> = {
  all: (db) => keyCandidates(db),
  after: (db, after, limit) =>
    keyCandidates(db).where('access_key_id', '>', after).orderBy('access_key_id').limit(limit),
  key: (row) => row.accessKeyId!,
};

function keyCandidates(db: Kysely<StoreDatabase>) {
  return db
    .selectFrom('access_keys')
    .select([
      'account_id as accountId',
      'access_key_id as accessKeyId',
      'candidate as policy',
      'candidate_version as version',
    ])
    .where('candidate', 'is not', null)
    .$castTo<SnapshotCandidate>();
}

// As for candidates: few scopes await a confirmation, and only theirs are read.
const accountPendingScan: TableScan<SnapshotPendingChange> = {
  all: (db) => accountPending(db),
  after: (db, after, limit) =>
    accountPending(db).where('account_id', '>', after).orderBy('account_id').limit(limit),
  key: (row) => row.accountId,
};

function accountPending(db: Kysely<StoreDatabase>) {
  return db
    .selectFrom('accounts')
    .select(['account_id as accountId', sql<null>`null`.as('accessKeyId'), 'policy_version as policyVersion'])
    .where('revert_at', 'is not', null)
    .$castTo<SnapshotPendingChange>();
}

const keyPendingScan: TableScan<SnapshotPendingChange> = {
  all: (db) => keyPending(db),
  after: (db, after, limit) =>
    keyPending(db).where('access_key_id', '>', after).orderBy('access_key_id').limit(limit),
  key: (row) => row.accessKeyId!,
};

function keyPending(db: Kysely<StoreDatabase>) {
  return db
    .selectFrom('access_keys')
    .select(['account_id as accountId', 'access_key_id as accessKeyId', 'policy_version as policyVersion'])
    .where('revert_at', 'is not', null)
    .$castTo<SnapshotPendingChange>();
}

const permanentCredentialScan: TableScan<PermanentCredentialRow> = {
  all: (db) => selectPermanentCredentials(db),
  after: (db, after, limit) =>
    selectPermanentCredentials(db)
      .where('access_keys.access_key_id', '>', after)
      .orderBy('access_keys.access_key_id')
      .limit(limit),
  key: (row) => row.accessKeyId,
};

/** Credentials that expired before `now` are left out: they authenticate nothing any more. */
function temporaryCredentialScan(now: number): TableScan<TemporaryCredentialRow> {
  const unexpired = (db: Kysely<StoreDatabase>) =>
    selectTemporaryCredentials(db).where('temporary_credentials.expires_at', '>=', now);
  return {
    all: unexpired,
    after: (db, after, limit) =>
      unexpired(db)
        .where('temporary_credentials.access_key_id', '>', after)
        .orderBy('temporary_credentials.access_key_id')
        .limit(limit),
    key: (row) => row.accessKeyId,
  };
}

const attachmentColumns = [
  'account_id as accountId',
  'user_name as userName',
  'policy_type as policyType',
  'policy_name as policyName',
] as const;

// The primary key has four columns: the keyset position is their JSON array, compared as a row value.
const attachmentScan: TableScan<SnapshotPolicyAttachment> = {
  all: (db) =>
    db.selectFrom('user_policy_attachments').select(attachmentColumns).$castTo<SnapshotPolicyAttachment>(),
  after: (db, after, limit) => {
    let query = db.selectFrom('user_policy_attachments').select(attachmentColumns);
    if (after !== '') {
      const [accountId, userName, policyType, policyName] = JSON.parse(after) as string[];
      query = query.where((eb) =>
        eb(
          eb.refTuple('account_id', 'user_name', 'policy_type', 'policy_name'),
          '>',
          eb.tuple(accountId!, userName!, policyType!, policyName!),
        ),
      );
    }
    return query
      .orderBy('account_id')
      .orderBy('user_name')
      .orderBy('policy_type')
      .orderBy('policy_name')
      .limit(limit)
      .$castTo<SnapshotPolicyAttachment>();
  },
  key: (row) => JSON.stringify([row.accountId, row.userName, row.policyType, row.policyName]),
};

/** `open` with an undecryptable secret as a value: the other credentials still load. */
function opened<Row>(
  open: (row: Row, box: SecretBox) => SigningCredential,
  box: SecretBox,
): (row: Row) => SnapshotSigningCredential {
  return (row) => {
    try {
      return ok(open(row, box));
    } catch (error) {
      if (isStoreError(error, 'Store.SecretUndecryptable')) return err(error);
      throw error;
    }
  };
}

/**
 * Reads a snapshot on a connection already inside a snapshot transaction. Pages come as the
 * dialect scans fastest, so memory holds one page however many keys there are.
 */
export async function readSnapshot<T>(
  dialect: StoreDialect,
  connection: Kysely<StoreDatabase>,
  settings: StoreSettings,
  pageSize: number,
  read: (snapshot: Snapshot) => Promise<T>,
): Promise<T> {
  let open = true;
  const version = await guard(() => currentVersion(connection));
  const now = settings.clock().getTime();

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

  async function* signingCredentials(): AsyncGenerator<readonly SnapshotSigningCredential[]> {
    const box = settings.secrets.opener();
    const permanent = opened(openPermanentCredential, box);
    for await (const page of pages(permanentCredentialScan)) yield page.map(permanent);
    const temporary = opened(openTemporaryCredential, box);
    for await (const page of pages(temporaryCredentialScan(now))) yield page.map(temporary);
  }

  try {
    return await read({
      version,
      accounts: () => pages(accountScan),
      accessKeys: () => pages(accessKeyScan),
      signingCredentials,
      userPolicyAttachments: () => pages(attachmentScan),
      candidates: async function* () {
        yield* pages(accountCandidateScan);
        yield* pages(keyCandidateScan);
      },
      pendingPolicyChanges: async function* () {
        yield* pages(accountPendingScan);
        yield* pages(keyPendingScan);
      },
    });
  } finally {
    open = false;
  }
}
