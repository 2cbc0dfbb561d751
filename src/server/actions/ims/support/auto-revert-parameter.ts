import { invalidParameter } from '../../../errors/api-error.js';
import { optionalInteger, type Params } from '../../support/params.js';

const PARAMETER = 'AutoRevertSeconds';

/**
 * KeyFence's optional `AutoRevertSeconds` of the Set actions (docs/server.md, "Commit-confirmed
 * changes"): 60 to 3600; the change is reverted that long after `now` unless confirmed before.
 * Answers the deadline (ms), or undefined for an ordinary change. Present but empty is refused,
 * as for `ExpectedPolicyVersion`: it would silently drop the safety net asked for.
 */
export function readAutoRevertAt(params: Params, now: Date): number | undefined {
  if (params[PARAMETER] === '') throw invalidParameter(PARAMETER, 'it must not be empty.');
  const seconds = optionalInteger(params, PARAMETER, { min: 60, max: 3600 });
  return seconds === undefined ? undefined : now.getTime() + seconds * 1000;
}
