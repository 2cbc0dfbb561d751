import type { RequestRecord } from '../request/request-record.js';
import type { AccessKeyPrincipal, NewAuditEvent } from '../store/index.js';
import type { AuditCounters } from './audit-writer.js';

/** Who holds each of these AccessKeys, read where an event is being stored; unknown IDs are absent. */
export type PrincipalLookup = (accessKeyIds: readonly string[]) => Promise<Map<string, AccessKeyPrincipal>>;

/**
 * Where the server hands every request's record (the store-backed one is store-audit-sink.ts).
 * `record` is called once per request after the response is written; it must return at once and
 * never throw (the server guards against a throw anyway, and logs it). `flush` writes whatever is
 * buffered; the server awaits it on shutdown.
 *
 * A call that changes state does not go through `record` once its change committed: its event,
 * made by `committedEvent`, is stored in the change's own transaction (docs/audit.md,
 * "Durability").
 */
export interface AuditSink {
  record(event: RequestRecord): void;
  flush(): Promise<void>;
  /**
   * The event of `record`, a call whose change is being committed, as the store keeps it, with
   * the holder of its key read through `principals` (inside that transaction). Absent when the
   * sink keeps no events.
   */
  readonly committedEvent?: (record: RequestRecord, principals: PrincipalLookup) => Promise<NewAuditEvent>;
  /**
   * Set under `audit.durability: strict`: takes the record like `record`, and resolves once its
   * event is durable (stored, or written and fsync'd to the spool: true) or lost (false). The
   * server sends the answer only then. Never rejects.
   */
  readonly recordDurably?: (event: RequestRecord) => Promise<boolean>;
  /** Queue, spool and loss counts, for /metrics; absent when the sink keeps none. */
  readonly counters?: AuditCounters;
}

/** The default: records go nowhere. */
export const noAuditSink: AuditSink = Object.freeze({
  record: () => {},
  flush: async () => {},
});
