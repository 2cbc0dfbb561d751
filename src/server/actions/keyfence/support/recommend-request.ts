import { optionalInteger, optionalText, type Params } from '../../support/params.js';
import type { SourcesScope } from './sources-request.js';
import { readTimeWindow, type TimeWindow } from './time-window.js';

/** A RecommendAccessKeyPolicy request, validated. */
export interface RecommendRequest {
  /** One key, or the account: the keys its policy governs. */
  readonly scope: Extract<SourcesScope, { kind: 'accessKey' | 'account' }>;
  readonly window: TimeWindow;
  /** Percent of the allowed calls to let in. */
  readonly coverage: number;
  readonly minCalls: number;
}

// A bound only so that the parameter stays a plain number; no source is seen this often.
const MAX_MIN_CALLS = 1_000_000_000;

/** Validates every RecommendAccessKeyPolicy parameter; throws `ApiError` (400) naming the first one wrong. */
export function readRecommendRequest(params: Params, now: Date, retentionDays: number): RecommendRequest {
  const accessKeyId = optionalText(params, 'AccessKeyId', { maxLength: 128 });
  return {
    scope: accessKeyId === undefined ? { kind: 'account' } : { kind: 'accessKey', accessKeyId },
    window: readTimeWindow(params, now, retentionDays),
    coverage: optionalInteger(params, 'Coverage', { min: 1, max: 100 }) ?? 100,
    minCalls: optionalInteger(params, 'MinCalls', { min: 1, max: MAX_MIN_CALLS }) ?? 1,
  };
}
