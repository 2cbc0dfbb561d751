import type { ChangeFeedOptions, ChangeListener, ChangeSubscription } from './change-feed.js';
import { ChangeLogWriter } from './change-log/change-log-writer.js';
import type { KeyFenceStore, StoreTransaction } from './keyfence-store.js';
import { accessKeyPrincipals } from './queries/access-key-principals.js';
import type { AccessKeyUse } from './queries/access-keys.js';
import { recordAccessKeyUse } from './queries/access-keys.js';
import { type AuditEventQuery, lookupAuditEvents, type NewAuditEvent } from './queries/audit-events.js';
import { changesSince, currentVersion } from './queries/change-log.js';
import { deleteExpiredConsoleSessions } from './queries/console-sessions.js';
import { type KeySourceRollupQuery, keySourceRollups } from './queries/key-source-rollups.js';
import { forgetSilentNodes, listNodes, type NodeReport, recordNode } from './queries/nodes.js';
import type { RetainedTableName } from './queries/retention.js';
import {
  purgeSignatureNonceChunk,
  SIGNATURE_NONCE_PURGE_CHUNK,
  SIGNATURE_NONCE_PURGE_GRACE_MS,
  type SignatureNonce,
} from './queries/signature-nonces.js';
import { revealCredentialForSigning } from './queries/signing-credentials.js';
import { DEFAULT_SNAPSHOT_PAGE_SIZE, readSnapshot } from './queries/snapshot.js';
import { type DailyLease, releaseDailyLease, takeDailyLease } from './queries/store-leases.js';
import { purgeExpiredTemporaryCredentials } from './queries/temporary-credentials.js';
import type { Snapshot } from './snapshot.js';
import type { StoreDialect } from './store-dialect.js';
import { StoreError } from './store-error.js';
import { StoreReader } from './store-reader.js';
import type { StoreSettings } from './store-settings.js';
import { KyselyStoreTransaction } from './store-transaction.js';
import { guard } from './transaction.js';

/** The store over either database; everything dialect-specific is behind `StoreDialect`. */
export class KyselyStore extends StoreReader implements KeyFenceStore {
  readonly #dialect: StoreDialect;

  constructor(dialect: StoreDialect, settings: StoreSettings) {
    super(dialect.db, settings);
    this.#dialect = dialect;
  }

  get dialect(): 'sqlite' | 'postgres' {
    return this.#dialect.name;
  }

  write<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    const dialect = this.#dialect;
    return dialect.write(async (connection) => {
      // The lock comes before any read, so what `work` reads cannot change before it commits.
      const lastVersion = await guard(() => dialect.lockChangeLog(connection));
      const now = this.settings.clock().getTime();
      const log = new ChangeLogWriter(connection, lastVersion, now);
      const transaction = new KyselyStoreTransaction({ db: connection, settings: this.settings, log, now });
      const result = await work(transaction);
      if (transaction.databaseFailed) throw new StoreError('Store.Database');
      const last = await guard(() => log.finish());
      if (last !== null) await guard(() => dialect.announceChanges(connection, last));
      return result;
    });
  }

  currentVersion(): Promise<number> {
    return guard(() => currentVersion(this.db));
  }

  changesSince(version: number, limit?: number) {
    return guard(() => changesSince(this.db, version, limit));
  }

  snapshot<T>(
    read: (snapshot: Snapshot) => Promise<T>,
    options: { readonly pageSize?: number } = {},
  ): Promise<T> {
    const pageSize = Math.max(1, options.pageSize ?? DEFAULT_SNAPSHOT_PAGE_SIZE);
    const dialect = this.#dialect;
    return dialect.snapshot((connection) => readSnapshot(dialect, connection, this.settings, pageSize, read));
  }

  subscribeToChanges(listener: ChangeListener, options?: ChangeFeedOptions): Promise<ChangeSubscription> {
    return guard(() => this.#dialect.subscribeToChanges(listener, options));
  }

  // Its own short transaction, without the change-log lock: on PostgreSQL a heartbeat never
  // queues behind configuration writes.
  recordNode(report: NodeReport): Promise<void> {
    const dialect = this.#dialect;
    return dialect.write((connection) => guard(() => recordNode(connection, dialect.now, report)));
  }

  listNodes() {
    return guard(() => listNodes(this.db, this.#dialect.now));
  }

  forgetSilentNodes(silentForMs: number): Promise<number> {
    // Zero or less would delete the rows of nodes serving right now. Refused before `guard`, which
    // would report it as a database failure.
    if (!Number.isSafeInteger(silentForMs) || silentForMs <= 0) {
      return Promise.reject(new RangeError('silentForMs must be a positive whole number of milliseconds'));
    }
    const dialect = this.#dialect;
    return dialect.write((connection) =>
      guard(() => forgetSilentNodes(connection, dialect.now, silentForMs)),
    );
  }

  revealCredentialForSigning(accessKeyId: string) {
    return guard(() => revealCredentialForSigning(this.db, this.settings.secrets, accessKeyId));
  }

  securityTokenExpiry(accessKeyId: string, securityToken: string): Date | undefined {
    return this.settings.secrets.tokens?.expiryOf(accessKeyId, securityToken);
  }

  recordAccessKeyUse(uses: readonly AccessKeyUse[]): Promise<void> {
    return this.#dialect.write((connection) => guard(() => recordAccessKeyUse(connection, uses)));
  }

  purgeExpiredTemporaryCredentials(): Promise<number> {
    return guard(() => purgeExpiredTemporaryCredentials(this.db, this.settings.clock().getTime()));
  }

  // Not under the change-log lock, like the purge above: an expired session is refused whether
  // its row exists or not.
  deleteExpiredConsoleSessions(): Promise<number> {
    const dialect = this.#dialect;
    const now = this.settings.clock().getTime();
    return dialect.write((connection) => guard(() => deleteExpiredConsoleSessions(connection, now)));
  }

  // Not under the change-log lock: claims are as frequent as signed requests.
  claimSignatureNonces(nonces: readonly SignatureNonce[]): Promise<boolean[]> {
    if (nonces.length === 0) return Promise.resolve([]);
    return guard(() => this.#dialect.claimSignatureNonces(nonces));
  }

  // In chunks, each its own transaction: one delete of a busy half hour's rows would hold the
  // write lock (and on SQLite the event loop) for seconds.
  async purgeExpiredSignatureNonces(): Promise<number> {
    const before = this.settings.clock().getTime() - SIGNATURE_NONCE_PURGE_GRACE_MS;
    const dialect = this.#dialect;
    let deleted = 0;
    for (;;) {
      const count = await dialect.write((connection) =>
        guard(() => purgeSignatureNonceChunk(connection, before, SIGNATURE_NONCE_PURGE_CHUNK)),
      );
      deleted += count;
      if (count < SIGNATURE_NONCE_PURGE_CHUNK) return deleted;
    }
  }

  // Not under the change-log lock: audit traffic never queues behind configuration writes.
  appendAuditEvents(events: readonly NewAuditEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return guard(() => this.#dialect.appendAuditEvents(events));
  }

  lookupAuditEvents(query: AuditEventQuery) {
    return guard(() => lookupAuditEvents(this.db, query));
  }

  keySourceRollups(query: KeySourceRollupQuery) {
    return guard(() => keySourceRollups(this.db, query));
  }

  accessKeyPrincipals(accessKeyIds: readonly string[]) {
    return guard(() => accessKeyPrincipals(this.db, accessKeyIds));
  }

  takeDailyLease(lease: DailyLease): Promise<boolean> {
    if (!Number.isSafeInteger(lease.forMs) || lease.forMs <= 0) {
      return Promise.reject(new RangeError('forMs must be a positive whole number of milliseconds'));
    }
    const dialect = this.#dialect;
    return dialect.write((connection) => guard(() => takeDailyLease(connection, dialect.now, lease)));
  }

  releaseDailyLease(lease: DailyLease, done: boolean): Promise<boolean> {
    return this.#dialect.write((connection) => guard(() => releaseDailyLease(connection, lease, done)));
  }

  // Its own transaction per batch, without the change-log lock: a pass takes the write lock for
  // one batch at a time, and writes of all kinds go in between.
  deleteRetainedBatch(table: RetainedTableName, beforeDay: number, limit: number): Promise<number> {
    if (!Number.isSafeInteger(beforeDay) || !Number.isSafeInteger(limit) || limit <= 0) {
      return Promise.reject(new RangeError('beforeDay must be a whole number and limit a positive one'));
    }
    return guard(() => this.#dialect.deleteRetainedBatch(table, beforeDay, limit));
  }

  close(): Promise<void> {
    return this.#dialect.close();
  }
}
