import type { Decision, DecisionReason } from '../../policy/decision.js';

/** Every reason a decision can give, in a fixed order: counters are indexed by it. */
export const DECISION_REASONS: readonly DecisionReason[] = Object.freeze([
  'exempt-service',
  'temporary-credential',
  'no-active-policy',
  'public-ip-allowed',
  'vpc-allowed',
  'no-public-statement',
  'no-vpc-statement',
  'public-ip-not-allowed',
  'vpc-not-allowed',
  'invalid-source-address',
  'unknown-access-key',
]);

const reasonIndex = new Map<DecisionReason, number>(DECISION_REASONS.map((reason, i) => [reason, i]));

/**
 * Upper bounds, in seconds, of the decision latency buckets: the decision itself takes about
 * 0.1-1 µs, so the buckets resolve that range and leave room for a slow outlier.
 */
export const DECISION_LATENCY_BUCKETS: readonly number[] = Object.freeze([
  1e-7, 2.5e-7, 5e-7, 1e-6, 2.5e-6, 5e-6, 1e-5, 1e-4, 1e-3,
]);

/**
 * Decisions by reason and their latency, counted on the request path with plain typed-array
 * increments; prom-client's labelled counters hash their labels on every call, which would cost
 * more than the decision. A scrape reads these through the registry's collectors.
 */
export class DecisionCounters {
  /** Per reason index. */
  readonly byReason = new Float64Array(DECISION_REASONS.length);
  /** Non-cumulative per bucket, plus one overflow bucket at the end. */
  readonly latencyBuckets = new Float64Array(DECISION_LATENCY_BUCKETS.length + 1);
  latencySum = 0;

  /** Counts one decision that took `seconds`. */
  observe(decision: Decision, seconds: number): void {
    const index = reasonIndex.get(decision.reason);
    if (index !== undefined) this.byReason[index]!++;
    let bucket = 0;
    while (bucket < DECISION_LATENCY_BUCKETS.length && seconds > DECISION_LATENCY_BUCKETS[bucket]!) bucket++;
    this.latencyBuckets[bucket]!++;
    this.latencySum += seconds;
  }
}
