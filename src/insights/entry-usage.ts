import { entryMatcher } from '../policy/matched-entry.js';
import type { AccessKeyPolicy, StatementType } from '../policy/policy-document.js';

/** One (key, source, VPC)'s allowed calls over a window: what a key-source rollup row holds. */
export interface AllowedTraffic {
  readonly sourceIp: string;
  /** Null for calls from no VPC. */
  readonly vpcId: string | null;
  readonly allowed: number;
  readonly lastSeen: Date;
}

/** What one entry of the policy let in. */
export interface EntryUsage {
  readonly statement: number;
  readonly type: StatementType;
  /** The statement's VPC ID or `AllowAllVPC`; null for the ClassicWhiteList. */
  readonly value: string | null;
  readonly entry: string;
  /** Allowed calls whose source this entry is the one the policy matches. */
  readonly hits: number;
  /** Distinct (source, VPC) among them. */
  readonly sources: number;
  /** Null when the entry let nothing in. */
  readonly lastHit: Date | null;
}

export interface PolicyUsage {
  /** Every entry, in statement order, then IPList order. */
  readonly entries: readonly EntryUsage[];
  /** Allowed calls from sources the policy matches no entry for. */
  readonly uncoveredCalls: number;
}

/**
 * Which entry of `policy` each allowed call of `traffic` matches (docs/server.md,
 * `GetAccessKeyPolicyEntryUsage`): the statement the decision would name for the source, then
 * that statement's first entry containing it. Sources are matched under the policy as given,
 * whatever its Status, not under the one in force when the calls were made.
 */
export function entryUsage(policy: AccessKeyPolicy, traffic: readonly AllowedTraffic[]): PolicyUsage {
  const match = entryMatcher(policy);
  const tallies = policy.Statements.map((s) =>
    s.IPList.map(() => ({ hits: 0, sources: new Set<string>(), lastHit: null as Date | null })),
  );
  let uncoveredCalls = 0;
  for (const row of traffic) {
    if (row.allowed <= 0) continue;
    const matched = match(row.vpcId === null ? { ip: row.sourceIp } : { ip: row.sourceIp, vpcId: row.vpcId });
    const tally = matched === null ? undefined : tallies[matched.statement]?.[matched.entry];
    if (tally === undefined) {
      uncoveredCalls += row.allowed;
      continue;
    }
    tally.hits += row.allowed;
    // Rows of several keys name the same source: it counts once.
    tally.sources.add(`${row.sourceIp} ${row.vpcId ?? ''}`);
    if (tally.lastHit === null || row.lastSeen > tally.lastHit) tally.lastHit = row.lastSeen;
  }
  const entries = policy.Statements.flatMap((s, statement) =>
    s.IPList.map((entry, e): EntryUsage => {
      const tally = tallies[statement]![e]!;
      return {
        statement,
        type: s.Type,
        value: s.Type === 'VPCWhiteList' ? s.Value : null,
        entry,
        hits: tally.hits,
        sources: tally.sources.size,
        lastHit: tally.lastHit,
      };
    }),
  );
  return { entries, uncoveredCalls };
}
