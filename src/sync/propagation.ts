import { err, ok, type Result } from '../common/result.js';
import type { KeyFenceStore, NodeList, NodeRecord } from '../store/index.js';

/**
 * Where a node stands with respect to one version:
 * - `enforcing`: it reported recently, and its index has applied the version;
 * - `lagging`: it reported recently, and has not applied it yet;
 * - `stale`: it has not reported for `MISSED_HEARTBEATS` heartbeats. It crashed, was stopped
 *   without a word, is hung, or cannot reach the database (where it goes on enforcing the
 *   version it has, fail-static): its row cannot tell which;
 * - `stopped`: it shut down gracefully.
 */
export type NodeStanding = 'enforcing' | 'lagging' | 'stale' | 'stopped';

/** Heartbeats a node may miss before it is stale. */
export const MISSED_HEARTBEATS = 3;

export interface NodePropagation extends NodeRecord {
  readonly standing: NodeStanding;
  /** How long ago the node last reported, by the database's clock. */
  readonly ageMs: number;
}

/** Which nodes enforce `version`: the answer of `keyfence status` and GetPolicyVersionStatus. */
export interface PropagationReport {
  readonly version: number;
  /** The last committed version when the report was made. */
  readonly currentVersion: number;
  /** The database's clock when the nodes were read. */
  readonly at: Date;
  /** In node ID order. */
  readonly nodes: readonly NodePropagation[];
  /** True when no node that reported recently lags: every running node enforces `version`. */
  readonly enforced: boolean;
  readonly counts: Readonly<Record<NodeStanding, number>>;
}

export function standingOf(node: NodeRecord, version: number, at: Date): NodeStanding {
  if (node.state === 'stopped') return 'stopped';
  if (at.getTime() - node.updatedAt.getTime() > MISSED_HEARTBEATS * node.heartbeatMs) return 'stale';
  return node.appliedVersion >= version ? 'enforcing' : 'lagging';
}

export function propagationOf(version: number, currentVersion: number, list: NodeList): PropagationReport {
  const counts: Record<NodeStanding, number> = { enforcing: 0, lagging: 0, stale: 0, stopped: 0 };
  const nodes = list.nodes.map((node): NodePropagation => {
    const standing = standingOf(node, version, list.at);
    counts[standing]++;
    return { ...node, standing, ageMs: Math.max(0, list.at.getTime() - node.updatedAt.getTime()) };
  });
  return { version, currentVersion, at: list.at, nodes, enforced: counts.lagging === 0, counts };
}

/** A version asked about that was not committed (yet): no node can enforce it. */
export interface VersionNotCommitted {
  readonly version: number;
  readonly currentVersion: number;
}

/** Reads the node status table and reports on `version` (default: the last committed one). */
export async function readPropagation(
  store: Pick<KeyFenceStore, 'currentVersion' | 'listNodes'>,
  version?: number,
): Promise<Result<PropagationReport, VersionNotCommitted>> {
  const currentVersion = await store.currentVersion();
  const wanted = version ?? currentVersion;
  if (wanted > currentVersion) return err({ version: wanted, currentVersion });
  return ok(propagationOf(wanted, currentVersion, await store.listNodes()));
}
