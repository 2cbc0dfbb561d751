import type { RetentionCounts } from '../../sync/audit-retention.js';
import type { Staleness } from '../../sync/store-contact.js';

/** Plain numbers about a running node (docs/fail-static.md). */
export interface ServerStatus extends Staleness {
  readonly appliedVersion: number;
  /** Milliseconds since the store last answered a read. */
  readonly sinceStoreContactMs: number;
  /** Store calls that failed because the database did, since start. */
  readonly storeErrors: number;
  /** Credentials held in memory. */
  readonly credentialsHeld: number;
  /** Credential lookups answered by a store read (a key this node had not heard of yet). */
  readonly credentialMisses: number;
  /** Keys whose last use waits to be written. */
  readonly keyUsesPending: number;
  /** Key uses dropped because too many waited. */
  readonly keyUsesDropped: number;
  /** Writes of signature nonces (`replayProtection: store`): store transactions, or journal appends. */
  readonly nonceBatches: number;
  /** Nonces accepted from memory while the store was unreachable, waiting to be stored. */
  readonly noncesPending: number;
  /** Nonces accepted from memory that were never stored: too many waited, or the journal failed. */
  readonly noncesDropped: number;
  /** Nonces accepted from memory that were found, once stored, already claimed: replays detected late. */
  readonly lateReplays: number;
  /** Rows this node's retention passes deleted, per table (docs/audit.md, "Retention"). */
  readonly retentionDeleted: Readonly<RetentionCounts>;
}
