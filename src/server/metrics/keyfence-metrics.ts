import { collectDefaultMetrics, Registry } from 'prom-client';
import type { AuditCounters } from '../../audit/audit-writer.js';
import type { SyncStatistics } from '../../sync/index-follower.js';
import {
  CANDIDATE_SCOPES,
  DECISION_LATENCY_BUCKETS,
  DECISION_REASONS,
  type DecisionCounters,
} from './decision-counters.js';
import type { ServerStatus } from './server-status.js';

/** What a scrape reads from the running node: read only when scraped, never on the request path. */
export interface MetricSources {
  readonly decisions: DecisionCounters;
  sync(): SyncStatistics;
  status(): ServerStatus;
  /** The audit sink's counters, when it keeps any. */
  audit(): AuditCounters | undefined;
  /** Connections closed for a missing, bad or late PROXY header, by fault code. */
  proxyHeaderFaults(): ReadonlyMap<string, number>;
}

const ALLOWING = new Set([
  'exempt-service',
  'temporary-credential',
  'no-active-policy',
  'public-ip-allowed',
  'vpc-allowed',
]);

type MetricType = 'counter' | 'gauge' | 'histogram';

/** One exposed value; `metricName` names a histogram's `_bucket`, `_sum` and `_count` series. */
interface Sample {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
  readonly metricName?: string;
}

/** Prometheus text exposition of one node (`/metrics`, docs/metrics.md), process metrics included. */
export class KeyFenceMetrics {
  readonly registry = new Registry();

  constructor(sources: MetricSources) {
    collectDefaultMetrics({ register: this.registry });
    const { decisions } = sources;
    this.#add('keyfence_decisions_total', 'Network ACL decisions, by result and reason.', 'counter', () =>
      DECISION_REASONS.map((reason, i) => ({
        labels: { result: ALLOWING.has(reason) ? 'allow' : 'deny', reason },
        value: decisions.byReason[i]!,
      })),
    );
    this.#add(
      'keyfence_candidate_decisions_total',
      'What report-only candidate policies would have decided, by the scope that would decide.',
      'counter',
      () =>
        CANDIDATE_SCOPES.flatMap((scope, i) => [
          { labels: { scope, outcome: 'would_allow' }, value: decisions.candidates[i * 2]! },
          { labels: { scope, outcome: 'would_deny' }, value: decisions.candidates[i * 2 + 1]! },
        ]),
    );
    this.#add(
      'keyfence_decision_duration_seconds',
      'Time to decide one request: key lookup, precedence, address parsing, matching.',
      'histogram',
      () => histogram('keyfence_decision_duration_seconds', decisions),
    );

    const sync = (name: string, help: string, type: MetricType, read: (s: SyncStatistics) => number) =>
      this.#add(name, help, type, () => [{ labels: {}, value: read(sources.sync()) }]);
    sync(
      'keyfence_policy_version_applied',
      'The change-log version whose policies this node enforces.',
      'gauge',
      (s) => s.appliedVersion,
    );
    sync(
      'keyfence_policy_version_latest_known',
      'The newest change-log version this node has read from the store.',
      'gauge',
      (s) => s.latestKnownVersion,
    );
    sync(
      'keyfence_change_log_lag_versions',
      'Changes known to be committed and not yet applied by this node.',
      'gauge',
      (s) => s.lag,
    );
    sync(
      'keyfence_change_notifications_total',
      'Change notifications received (PostgreSQL LISTEN/NOTIFY).',
      'counter',
      (s) => s.notifications,
    );
    sync('keyfence_change_polls_total', 'Periodic reads of the change counter.', 'counter', (s) => s.polls);
    sync(
      'keyfence_change_feed_listening',
      '1 while the change feed pushes changes (PostgreSQL).',
      'gauge',
      (s) => (s.listening ? 1 : 0),
    );
    sync(
      'keyfence_change_feed_reconnects_total',
      'Times the change feed connection was restored.',
      'counter',
      (s) => s.feedReconnects,
    );

    const status = (name: string, help: string, type: MetricType, read: (s: ServerStatus) => number) =>
      this.#add(name, help, type, () => [{ labels: {}, value: read(sources.status()) }]);
    status(
      'keyfence_store_stale',
      '1 while the store has not answered for staleAfterMs: the node decides from memory.',
      'gauge',
      (s) => (s.stale ? 1 : 0),
    );
    status(
      'keyfence_store_contact_age_seconds',
      'Seconds since the store last answered a read.',
      'gauge',
      (s) => s.sinceStoreContactMs / 1000,
    );
    status(
      'keyfence_store_errors_total',
      'Store calls that failed because the database did.',
      'counter',
      (s) => s.storeErrors,
    );
    status('keyfence_credentials_held', 'Credentials held in memory.', 'gauge', (s) => s.credentialsHeld);
    status(
      'keyfence_credential_misses_total',
      'Credential lookups answered by a store read.',
      'counter',
      (s) => s.credentialMisses,
    );
    status(
      'keyfence_key_uses_pending',
      'AccessKeys whose last use waits to be written.',
      'gauge',
      (s) => s.keyUsesPending,
    );
    status(
      'keyfence_key_uses_dropped_total',
      'AccessKey uses dropped because too many waited.',
      'counter',
      (s) => s.keyUsesDropped,
    );
    status(
      'keyfence_nonce_batches_total',
      "Writes that stored signature nonces (replayProtection: store): transactions in the store, or appends to the node's journal.",
      'counter',
      (s) => s.nonceBatches,
    );
    status(
      'keyfence_nonces_pending',
      'Signature nonces accepted from memory while the store was unreachable, waiting to be stored.',
      'gauge',
      (s) => s.noncesPending,
    );
    status(
      'keyfence_nonces_dropped_total',
      'Signature nonces accepted from memory and never stored: too many waited, or the journal could not be written.',
      'counter',
      (s) => s.noncesDropped,
    );
    status(
      'keyfence_replays_detected_late_total',
      'Replayed requests accepted from memory during a store outage, found when their nonces were stored.',
      'counter',
      (s) => s.lateReplays,
    );

    this.#add(
      'keyfence_retention_deleted_rows_total',
      'Rows deleted by the retention passes this node ran (audit.retentionDays), by table.',
      'counter',
      () =>
        Object.entries(sources.status().retentionDeleted).map(([table, value]) => ({
          labels: { table },
          value,
        })),
    );

    const audit = (name: string, help: string, type: MetricType, read: (c: AuditCounters) => Sample[]) =>
      this.#add(name, help, type, () => {
        const counters = sources.audit();
        return counters === undefined ? [] : read(counters);
      });
    audit('keyfence_audit_queue_depth', 'Audit records waiting in memory to be written.', 'gauge', (c) => [
      { labels: {}, value: c.queueDepth },
    ]);
    audit(
      'keyfence_audit_events_written_total',
      'Audit events stored from the queue (a change stores its own event with it).',
      'counter',
      (c) => [{ labels: {}, value: c.written }],
    );
    audit(
      'keyfence_audit_requests_coalesced_total',
      'Allowed forward-auth and gateway requests counted in an identical earlier event (keyfence.count), not stored as events of their own.',
      'counter',
      (c) => [{ labels: {}, value: c.coalesced }],
    );
    audit(
      'keyfence_audit_events_rejected_total',
      'Audit events the store refused for their own data: set aside in the spool, or lost without one.',
      'counter',
      (c) => [{ labels: {}, value: c.rejected }],
    );
    audit('keyfence_audit_events_dropped_total', 'Audit events lost, by where.', 'counter', (c) => [
      { labels: { where: 'queue' }, value: c.dropped },
      { labels: { where: 'spool' }, value: c.spoolDropped },
      { labels: { where: 'write' }, value: c.failed },
      { labels: { where: 'spool-unreadable' }, value: c.spoolUnreadable },
    ]);
    audit(
      'keyfence_audit_spool_events',
      'Audit events in the on-disk spool, waiting for the store.',
      'gauge',
      (c) => [{ labels: {}, value: c.spooled }],
    );
    audit('keyfence_audit_spool_bytes', 'Size of the on-disk audit spool.', 'gauge', (c) => [
      { labels: {}, value: c.spoolBytes },
    ]);

    this.#add(
      'keyfence_proxy_header_faults_total',
      'Connections closed for a missing, bad or late PROXY protocol header, by fault.',
      'counter',
      () => [...sources.proxyHeaderFaults()].map(([fault, value]) => ({ labels: { fault }, value })),
    );
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  /**
   * A metric computed at scrape time from counters kept elsewhere: prom-client's registry takes
   * any object with a name and a `get`.
   */
  #add(name: string, help: string, type: MetricType, values: () => Sample[]): void {
    const metric = {
      name,
      help,
      type,
      aggregator: 'sum',
      get: async () => ({ name, help, type, aggregator: 'sum', values: values() }),
    };
    this.registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);
  }
}

function histogram(name: string, decisions: DecisionCounters): Sample[] {
  const samples: Sample[] = [];
  let cumulative = 0;
  DECISION_LATENCY_BUCKETS.forEach((le, i) => {
    cumulative += decisions.latencyBuckets[i]!;
    samples.push({ metricName: `${name}_bucket`, labels: { le }, value: cumulative });
  });
  cumulative += decisions.latencyBuckets[DECISION_LATENCY_BUCKETS.length]!;
  samples.push({ metricName: `${name}_bucket`, labels: { le: '+Inf' }, value: cumulative });
  samples.push({ metricName: `${name}_sum`, labels: {}, value: decisions.latencySum });
  samples.push({ metricName: `${name}_count`, labels: {}, value: cumulative });
  return samples;
}
