import { displayAddress } from '../../net/display-address.js';
import type { Decision } from '../../policy/decision.js';
import { type ApiError, accessKeyDenied } from '../errors/api-error.js';

/**
 * The denial (docs/server.md, "The denial"): HTTP 400, Alibaba's code and message, and an `AccessDeniedDetail` naming
 * the source, the scope whose policy denied and that policy's version. `sourceIp` is the address
 * the decision saw (for an unreadable forwarded address: the TCP peer's).
 *
 * Built without a stack trace: a denial is an answer, never logged as a defect, and capturing the
 * stack was the largest single cost of a denied call in its profile (about 5 % of its CPU).
 */
export function accessPolicyDenied(
  decision: Decision,
  sourceIp: string,
  vpcId: string | undefined,
): ApiError {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return accessKeyDenied({
      AccessDeniedDetail: {
        SourceIp: displayAddress(sourceIp),
        VpcId: vpcId ?? null,
        DeniedBy:
          decision.scope === 'accessKey' ? 'AccessKey' : decision.scope === 'account' ? 'Account' : null,
        PolicyVersion: decision.policyVersion,
        Reason: decision.reason,
      },
    });
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}
