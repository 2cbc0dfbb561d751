import type { AccessKeyPolicy } from '../policy/policy-document.js';

/** One IPList entry of the draft and what it lets in. */
export interface RecommendedEntry {
  /** Index of its statement in the draft's `Statements`. */
  readonly statement: number;
  /** The entry as written in `IPList`. */
  readonly entry: string;
  /** The observed sources (canonical addresses) inside it. */
  readonly sources: readonly string[];
  /** Their allowed calls. */
  readonly calls: number;
  readonly lastSeen: Date;
  /** How many addresses the entry opens. */
  readonly addresses: bigint;
}

/**
 * Why a source was left out: fewer calls than asked (`BelowMinCalls`); not needed for the
 * coverage asked (`BeyondCoverage`); an address of a private or special range seen on the
 * public network, which the public list never names (`NotPublicAddress`); an address or VPC ID
 * no entry can name (`NotListable`); no statement left for its VPC, or for the public network
 * (`StatementLimit`); no entry left in its statement within the aggregation bound (`EntryLimit`).
 */
export type UncoveredReason =
  | 'BelowMinCalls'
  | 'BeyondCoverage'
  | 'NotPublicAddress'
  | 'NotListable'
  | 'StatementLimit'
  | 'EntryLimit';

export interface UncoveredSource {
  readonly sourceIp: string;
  readonly vpcId: string | null;
  readonly calls: number;
  readonly lastSeen: Date;
  readonly reason: UncoveredReason;
}

/** A draft policy from observed traffic: never applied by itself. */
export interface Recommendation {
  readonly policy: AccessKeyPolicy;
  /** Statement by statement, each statement's entries in IPList order. */
  readonly entries: readonly RecommendedEntry[];
  /** Every source left out, most calls first (ties in address order, then VPC). */
  readonly uncovered: readonly UncoveredSource[];
  readonly coveredCalls: number;
  /** Every allowed call observed, covered or not. */
  readonly totalCalls: number;
}
