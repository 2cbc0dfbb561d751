import type { Decision, DecisionReason, DecisionScope } from '../../policy/decision.js';

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

/** The scopes a candidate decision can come from, in the order of `DecisionCounters.candidates`. */
export const CANDIDATE_SCOPES: readonly DecisionScope[] = Object.freeze(['accessKey', 'account', 'none']);

/** One decision in this many is timed (`keyfence_decision_duration_seconds`). */
export const DECISION_TIMING_SAMPLE = 16;

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
  /**
   * Report-only candidate decisions: at `CANDIDATE_SCOPES` index × 2, would allow; plus 1,
   * would deny.
   */
  readonly candidates = new Float64Array(CANDIDATE_SCOPES.length * 2);

  #untilTimed = 0;

  /**
   * Whether to time the decision about to be made: the first, then one in `DECISION_TIMING_SAMPLE`.
   * Timing takes two reads of the clock, which cost more than the decision itself; a sample
   * shows the same distribution at a sixteenth of that cost.
   */
  timeNext(): boolean {
    if (this.#untilTimed > 0) {
      this.#untilTimed--;
      return false;
    }
    this.#untilTimed = DECISION_TIMING_SAMPLE - 1;
    return true;
  }

  /** Counts what a report-only candidate would have decided. */
  observeCandidate(decision: Decision): void {
    const scope = decision.scope === 'accessKey' ? 0 : decision.scope === 'account' ? 1 : 2;
    this.candidates[scope * 2 + (decision.allowed ? 0 : 1)]!++;
  }

  /** Counts one decision; `seconds` is how long it took when it was timed. */
  observe(decision: Decision, seconds: number | undefined): void {
    const index = reasonIndex.get(decision.reason);
    if (index !== undefined) this.byReason[index]!++;
    if (seconds === undefined) return;
    let bucket = 0;
    while (bucket < DECISION_LATENCY_BUCKETS.length && seconds > DECISION_LATENCY_BUCKETS[bucket]!) bucket++;
    this.latencyBuckets[bucket]!++;
    this.latencySum += seconds;
  }
}
