import { formatAlibabaTime } from '../../../common/alibaba-time.js';
import type { ObservedSource } from '../../../insights/recommend-input.js';
import { recommendPolicy } from '../../../insights/recommend-policy.js';
import { serializePolicy } from '../../../policy/serialize-policy.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { governedByAccount } from './support/governed-rollups.js';
import { readRecommendRequest } from './support/recommend-request.js';
import { scopeRollups } from './support/scope-rollups.js';

/** The most left-out sources an answer lists: a window of scanners' addresses could hold millions. */
const MAX_UNCOVERED = 1_000;

/**
 * A draft AccessKeyPolicy from where a key, or the keys the account's policy governs, were used
 * successfully over a window (docs/server.md): the document, what each entry lets in, and what
 * was left out and why. Read-only: the draft is never applied by itself.
 */
export const recommendAccessKeyPolicy: ActionDefinition = {
  product: 'Keyfence',
  name: 'RecommendAccessKeyPolicy',
  ramAction: 'keyfence:RecommendAccessKeyPolicy',
  async handle(context) {
    const { caller, params, store, now, auditRetentionDays, policyLimits, recommendBound } = context;
    const request = readRecommendRequest(params, now(), auditRetentionDays);
    const { window, scope } = request;
    const rows = await scopeRollups(store, caller, scope, window.start, window.end);
    const governed = scope.kind === 'account' ? await governedByAccount(context, rows) : rows;
    const sources: ObservedSource[] = governed
      .filter((row) => row.allowed > 0)
      .map((row) => ({
        sourceIp: row.sourceIp,
        vpcId: row.vpcId,
        calls: row.allowed,
        lastSeen: row.lastSeen,
      }));
    const draft = recommendPolicy(sources, {
      coverage: request.coverage,
      minCalls: request.minCalls,
      limits: policyLimits,
      bound: recommendBound,
    });
    return {
      StartTime: formatAlibabaTime(window.start),
      EndTime: formatAlibabaTime(window.end),
      AccessKeyPolicy: serializePolicy(draft.policy),
      Entries: draft.entries.map((entry) => ({
        StatementIndex: entry.statement,
        Entry: entry.entry,
        Sources: entry.sources.length,
        Calls: entry.calls,
        LastSeen: formatAlibabaTime(entry.lastSeen),
        // A string: an IPv6 block holds more addresses than a JSON number carries exactly.
        Addresses: entry.addresses.toString(),
      })),
      // The heaviest, in the draft's order (most calls first, then address and VPC): the same each time.
      Uncovered: draft.uncovered.slice(0, MAX_UNCOVERED).map((source) => ({
        SourceIp: source.sourceIp,
        ...(source.vpcId === null ? {} : { VpcId: source.vpcId }),
        Calls: source.calls,
        LastSeen: formatAlibabaTime(source.lastSeen),
        Reason: source.reason,
      })),
      UncoveredCount: draft.uncovered.length,
      UncoveredTruncated: draft.uncovered.length > MAX_UNCOVERED,
      CoveredCalls: draft.coveredCalls,
      TotalCalls: draft.totalCalls,
    };
  },
};
