import { callAction } from '../../api/console-client';
import { listPolicyVersions, type PolicyVersion } from '../history/policy-versions';
import { liveNodes, type PolicyVersionStatus } from './policy-version-status';

/** A change and, once read, its receipt: which nodes enforce the version it committed. */
export interface RecentChange {
  readonly version: PolicyVersion;
  readonly status: PolicyVersionStatus | undefined;
}

/** The account-level policy's last `count` changes, newest first. */
export const recentChanges = async (count: number): Promise<readonly PolicyVersion[]> =>
  (await listPolicyVersions({ kind: 'account' }, count)).Versions;

/** GetPolicyVersionStatus for the version a change committed. */
export const receiptOf = (version: PolicyVersion): Promise<PolicyVersionStatus> =>
  callAction<PolicyVersionStatus>('Ims', 'GetPolicyVersionStatus', {
    PolicyVersion: String(version.PolicyVersion),
  });

/** A receipt in words: "Enforced by 3 of 3 nodes", or who is still behind. */
export const receiptText = (status: PolicyVersionStatus | undefined): string => {
  if (status === undefined) return '…';
  const of = `${status.EnforcingNodes} of ${liveNodes(status)} nodes`;
  if (status.Enforced) return `Enforced by ${of}`;
  const behind = [
    status.LaggingNodes > 0 ? `${status.LaggingNodes} lagging` : undefined,
    status.StaleNodes > 0 ? `${status.StaleNodes} stale` : undefined,
  ].filter((part) => part !== undefined);
  return `Enforced by ${of}${behind.length === 0 ? '' : ` (${behind.join(', ')})`}`;
};
