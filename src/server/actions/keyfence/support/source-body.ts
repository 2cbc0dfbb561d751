import { formatAlibabaTime } from '../../../../common/alibaba-time.js';
import type { KeySourceRollup } from '../../../../store/index.js';

/** What ListAccessKeySources says about one source beyond its rollup. */
export interface SourceVerdicts {
  readonly covered: boolean;
  readonly isNew: boolean;
}

/**
 * One entry of `Sources`: `VpcId` only for a VPC source; `Services` by calls (most first, then
 * by name), the calls of services beyond the 32 a rollup names, and of calls under no known
 * service, last under `*`.
 */
export function sourceBody(row: KeySourceRollup, verdicts: SourceVerdicts): Record<string, unknown> {
  const services = [...row.services]
    .sort(([a, m], [b, n]) => n - m || (a < b ? -1 : a > b ? 1 : 0))
    .map(([service, calls]) => ({ Service: service, Calls: calls }));
  if (row.otherServices > 0) services.push({ Service: '*', Calls: row.otherServices });
  return {
    AccessKeyId: row.accessKeyId,
    SourceIp: row.sourceIp,
    ...(row.vpcId === null ? {} : { VpcId: row.vpcId }),
    AllowedCalls: row.allowed,
    DeniedCalls: row.denied,
    FailedCalls: row.failed,
    // Calls a report-only candidate staged at the time would have denied (docs/server.md).
    CandidateDeniedCalls: row.candidateDenied ?? 0,
    FirstSeen: formatAlibabaTime(row.firstSeen),
    LastSeen: formatAlibabaTime(row.lastSeen),
    Services: services,
    CoveredByCurrentPolicy: verdicts.covered,
    New: verdicts.isNew,
  };
}
