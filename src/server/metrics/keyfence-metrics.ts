import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { DECISION_LATENCY_BUCKETS, DECISION_REASONS, type DecisionCounters } from './decision-counters.js';

/** What a scrape reads from the running node: plain getters, read only when scraped. */
export interface MetricSources {
  readonly decisions: DecisionCounters;
  /** The change-log version this node enforces. */
  appliedVersion(): number;
  /** The newest change-log version this node knows the store has (from notifications and polls). */
  latestKnownVersion(): number;
  /** Seconds since the node last read the store successfully. */
  secondsSinceStoreContact(): number;
  /** Audit records waiting in memory. */
  auditQueueDepth(): number;
  /** Audit records dropped (queue or spool full). */
  auditDropped(): number;
  /** Store operations that failed, by operation name. */
  storeErrors(): ReadonlyMap<string, number>;
}

const ALLOWING = new Set([
  'exempt-service',
  'temporary-credential',
  'no-active-policy',
  'public-ip-allowed',
  'vpc-allowed',
]);

/** Prometheus text exposition of one node (`/metrics`), process metrics included. */
export class KeyFenceMetrics {
  readonly registry = new Registry();

  constructor(sources: MetricSources) {
    const { registry } = this;
    collectDefaultMetrics({ register: registry });
    const { decisions } = sources;
    registry.registerMetric(
      custom('keyfence_decisions_total', 'Network ACL decisions, by result and reason.', 'counter', () =>
        DECISION_REASONS.map((reason, i) => ({
          labels: { result: ALLOWING.has(reason) ? 'allow' : 'deny', reason },
          value: decisions.byReason[i]!,
        })),
      ),
    );
    registry.registerMetric(
      custom(
        'keyfence_decision_duration_seconds',
        'Time to decide one request (key lookup, precedence, address parsing, matching).',
        'histogram',
        () => {
          const values: Sample[] = [];
          let cumulative = 0;
          DECISION_LATENCY_BUCKETS.forEach((le, i) => {
            cumulative += decisions.latencyBuckets[i]!;
            values.push({
              metricName: 'keyfence_decision_duration_seconds_bucket',
              labels: { le },
              value: cumulative,
            });
          });
          cumulative += decisions.latencyBuckets[DECISION_LATENCY_BUCKETS.length]!;
          values.push({
            metricName: 'keyfence_decision_duration_seconds_bucket',
            labels: { le: '+Inf' },
            value: cumulative,
          });
          values.push({
            metricName: 'keyfence_decision_duration_seconds_sum',
            labels: {},
            value: decisions.latencySum,
          });
          values.push({
            metricName: 'keyfence_decision_duration_seconds_count',
            labels: {},
            value: cumulative,
          });
          return values;
        },
      ),
    );
    gauge(
      registry,
      'keyfence_policy_version_applied',
      'The change-log version whose policies this node enforces.',
      () => sources.appliedVersion(),
    );
    gauge(
      registry,
      'keyfence_change_log_lag_versions',
      'Change-log versions known to be committed but not yet applied by this node.',
      () => Math.max(0, sources.latestKnownVersion() - sources.appliedVersion()),
    );
    gauge(
      registry,
      'keyfence_store_contact_age_seconds',
      'Seconds since this node last read the store successfully.',
      () => sources.secondsSinceStoreContact(),
    );
    gauge(registry, 'keyfence_audit_queue_depth', 'Audit records waiting to be written.', () =>
      sources.auditQueueDepth(),
    );
    registry.registerMetric(
      custom(
        'keyfence_audit_events_dropped_total',
        'Audit records dropped because the queue or spool was full.',
        'counter',
        () => [{ labels: {}, value: sources.auditDropped() }],
      ),
    );
    registry.registerMetric(
      custom('keyfence_store_errors_total', 'Store operations that failed, by operation.', 'counter', () =>
        [...sources.storeErrors()].map(([operation, value]) => ({ labels: { operation }, value })),
      ),
    );
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

function gauge(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

type MetricType = 'counter' | 'histogram';

/** One exposed value; `metricName` names a histogram's `_bucket`, `_sum` and `_count` series. */
interface Sample {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
  readonly metricName?: string;
}

/**
 * A metric whose values are computed at scrape time from counters kept elsewhere; prom-client's
 * registry takes any object with a name and a `get`.
 */
function custom(
  name: string,
  help: string,
  type: MetricType,
  values: () => Sample[],
): Parameters<Registry['registerMetric']>[0] {
  const metric = {
    name,
    help,
    type,
    aggregator: 'sum',
    get: async () => ({ name, help, type, aggregator: 'sum', values: values() }),
  };
  return metric as unknown as Parameters<Registry['registerMetric']>[0];
}
