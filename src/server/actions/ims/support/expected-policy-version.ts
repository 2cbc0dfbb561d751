import { invalidParameter } from '../../../errors/api-error.js';
import { optionalInteger, type Params } from '../../support/params.js';

const PARAMETER = 'ExpectedPolicyVersion';

// As many digits as `optionalInteger` reads: far beyond any change-log version.
const LARGEST_VERSION = 999_999_999_999_999;

/**
 * KeyFence's optional `ExpectedPolicyVersion` of the Set actions: the `PolicyVersion` the caller
 * read (0 for a policy never set), handed to the store's conditional write, which refuses it
 * inside the write transaction when the scope has moved on (409 `PolicyVersionConflict`).
 * Absent, the last write wins, as in Alibaba's API. Present but empty is refused: unlike other
 * optional parameters, an empty value here would silently drop the protection the caller asked for.
 */
export function readExpectedPolicyVersion(params: Params): number | undefined {
  if (params[PARAMETER] === '') throw invalidParameter(PARAMETER, 'it must not be empty.');
  return optionalInteger(params, PARAMETER, { min: 0, max: LARGEST_VERSION });
}
