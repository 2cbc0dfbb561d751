import type { PolicyScope, StoreReads } from '../../../store/index.js';
import { ApiError } from '../../rpc/api-error.js';
import { optionalInteger, type Params } from '../params.js';

export const EXPECTED_POLICY_VERSION_PARAMETER = 'ExpectedPolicyVersion';

// As many digits as `optionalInteger` reads: far beyond any change-log version.
const LARGEST_VERSION = 999_999_999_999_999;

/**
 * KeyFence's optional `ExpectedPolicyVersion` of the Set actions: the `PolicyVersion` the caller
 * read (0 for a policy never set). Absent, the last write wins, as in Alibaba's API.
 */
export function readExpectedPolicyVersion(params: Params): number | undefined {
  return optionalInteger(params, EXPECTED_POLICY_VERSION_PARAMETER, { min: 0, max: LARGEST_VERSION });
}

/**
 * Refuses a write made from a stale read: `expected` is not the scope's current version. Call it
 * with the write transaction: writers are serialised, so no other write lands between this read
 * and the write that follows it.
 */
export async function requirePolicyVersion(
  tx: StoreReads,
  scope: PolicyScope,
  expected: number | undefined,
): Promise<void> {
  if (expected === undefined) return;
  const current = (await tx.getPolicy(scope)).version;
  if (current === expected) return;
  throw new ApiError(
    'PolicyVersionConflict',
    409,
    `The policy was changed since PolicyVersion ${expected}: its current PolicyVersion is ${current}, ` +
      `so it was not set. Get it again, reapply your change and retry with ${EXPECTED_POLICY_VERSION_PARAMETER}=${current}.`,
    { CurrentPolicyVersion: current },
  );
}
