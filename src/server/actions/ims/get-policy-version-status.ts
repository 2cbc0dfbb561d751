import { formatAlibabaTime } from '../../../common/alibaba-time.js';
import { type NodeStanding, readPropagation } from '../../../sync/propagation.js';
import { invalidParameter } from '../../errors/api-error.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { optionalInteger } from '../support/params.js';

const STATUS: Readonly<Record<NodeStanding, string>> = {
  enforcing: 'Enforcing',
  lagging: 'Lagging',
  stale: 'Stale',
  stopped: 'Stopped',
};

/**
 * KeyFence's own (not an Alibaba action): which nodes enforce a change-log version, such as the
 * `PolicyVersion` a Set* call answered with (docs/sync.md). `PolicyVersion` defaults to the last
 * committed version. `Enforced` is true when no node that reported recently lags. Node
 * addresses stay out of the answer: they describe the deployment, not the caller's account.
 */
export const getPolicyVersionStatus: ActionDefinition = {
  product: 'Ims',
  name: 'GetPolicyVersionStatus',
  ramAction: 'ram:GetPolicyVersionStatus',
  async handle({ params, store }) {
    const version = optionalInteger(params, 'PolicyVersion', { min: 1, max: Number.MAX_SAFE_INTEGER });
    const read = await readPropagation(store, version);
    if (!read.ok) {
      throw invalidParameter(
        'PolicyVersion',
        `version ${read.error.version} has not been committed; the latest is ${read.error.currentVersion}.`,
      );
    }
    const report = read.value;
    return {
      PolicyVersion: report.version,
      CurrentVersion: report.currentVersion,
      Enforced: report.enforced,
      EnforcingNodes: report.counts.enforcing,
      LaggingNodes: report.counts.lagging,
      StaleNodes: report.counts.stale,
      StoppedNodes: report.counts.stopped,
      Nodes: {
        Node: report.nodes.map((node) => ({
          NodeId: node.nodeId,
          Status: STATUS[node.standing],
          AppliedVersion: node.appliedVersion,
          LastHeartbeatDate: formatAlibabaTime(node.updatedAt),
          StartDate: formatAlibabaTime(node.startedAt),
        })),
      },
    };
  },
};
