import type { PolicyLimits } from '../policy/policy-limits.js';
import type { AggregationBound } from './cidr-ceiling.js';

/** Where a key (or the keys of a scope) was used from over a window, successfully. */
export interface ObservedSource {
  readonly sourceIp: string;
  /** Null for the public network. */
  readonly vpcId: string | null;
  /** Calls allowed from it over the window. */
  readonly calls: number;
  readonly lastSeen: Date;
}

export interface RecommendOptions {
  /** Percent (1-100) of the allowed calls the policy should let in. */
  readonly coverage: number;
  /** Sources with fewer allowed calls are left out. */
  readonly minCalls: number;
  /** The deployment's limits: the draft must be one SetAccessKeyPolicy accepts. */
  readonly limits: PolicyLimits;
  /** The widest block an entry may be when addresses are aggregated. */
  readonly bound: AggregationBound;
}
