/** GetPolicyVersionStatus's answer (docs/sync.md). */
export interface PolicyVersionStatus {
  readonly PolicyVersion: number;
  readonly CurrentVersion: number;
  readonly Enforced: boolean;
  readonly EnforcingNodes: number;
  readonly LaggingNodes: number;
  readonly StaleNodes: number;
  readonly StoppedNodes: number;
  readonly Nodes: {
    readonly Node: readonly {
      readonly NodeId: string;
      readonly Status: 'Enforcing' | 'Lagging' | 'Stale' | 'Stopped';
      readonly AppliedVersion: number;
      readonly LastHeartbeatDate: string;
      readonly StartDate: string;
    }[];
  };
}

export type NodeRow = PolicyVersionStatus['Nodes']['Node'][number];

/** Nodes that report: what "n of m" counts (a stopped node enforces nothing and is not waited for). */
export const liveNodes = (status: PolicyVersionStatus): number =>
  status.EnforcingNodes + status.LaggingNodes + status.StaleNodes;
