import type { ActionDefinition } from '../../rpc/action.js';
import { getPolicyVersionStatus as imsGetPolicyVersionStatus } from '../ims/get-policy-version-status.js';

/** The IMS action (docs/sync.md), also answered under KeyFence's own version, where it belongs. */
export const getPolicyVersionStatus: ActionDefinition = {
  ...imsGetPolicyVersionStatus,
  product: 'Keyfence',
  ramAction: 'keyfence:GetPolicyVersionStatus',
};
