/** The part of GetPolicyVersionStatus the summaries use. */
export interface PolicyVersionStatus {
  readonly PolicyVersion: number;
  readonly CurrentVersion: number;
  readonly Enforced: boolean;
  readonly EnforcingNodes: number;
  readonly LaggingNodes: number;
  readonly StaleNodes: number;
  readonly StoppedNodes: number;
}

/**
 * "Effective on 3/3 nodes": the running nodes that apply the version, out of all that are not
 * stopped (a stale node counts against it: it may still enforce an older version).
 */
export const effectiveOn = (status: PolicyVersionStatus): string =>
  `Effective on ${status.EnforcingNodes}/${status.EnforcingNodes + status.LaggingNodes + status.StaleNodes} nodes`;

/** Version parameters for GetPolicyVersionStatus: none (the latest) when the policy was never set. */
export const versionParams = (version: number | undefined): Record<string, string> | null =>
  version === undefined ? null : version > 0 ? { PolicyVersion: String(version) } : {};
