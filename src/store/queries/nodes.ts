import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { NodeTable, StoreDatabase } from '../schema/database.js';

/** `serving` while the node runs; `stopped` once it shut down gracefully. */
export type NodeState = 'serving' | 'stopped';

/** What a node says about itself on each heartbeat. */
export interface NodeReport {
  readonly nodeId: string;
  /** Where it serves its API (a URL), if known. */
  readonly address: string | null;
  readonly state: NodeState;
  /** The change-log version its decision index enforces. */
  readonly appliedVersion: number;
  /** How often it reports: readers judge a row's freshness by it. */
  readonly heartbeatMs: number;
  readonly startedAt: Date;
}

/** A node's last report, with when it was stored (by the database's clock). */
export interface NodeRecord extends NodeReport {
  readonly updatedAt: Date;
}

/** Every node's last report, and the database's clock when they were read. */
export interface NodeList {
  readonly at: Date;
  readonly nodes: readonly NodeRecord[];
}

/** Inserts or replaces the node's row, stamped with the database's clock. */
export async function recordNode(
  db: Kysely<StoreDatabase>,
  now: RawBuilder<number>,
  report: NodeReport,
): Promise<void> {
  const row = {
    address: report.address,
    state: report.state,
    applied_version: report.appliedVersion,
    heartbeat_ms: report.heartbeatMs,
    started_at: report.startedAt.getTime(),
    updated_at: now,
  };
  await db
    .insertInto('nodes')
    .values({ node_id: report.nodeId, ...row })
    .onConflict((conflict) => conflict.column('node_id').doUpdateSet(row))
    .execute();
}

// The clock is read after the rows, so that no row looks younger than it is.
export async function listNodes(db: Kysely<StoreDatabase>, now: RawBuilder<number>): Promise<NodeList> {
  const rows = await db.selectFrom('nodes').selectAll().orderBy('node_id').execute();
  const clock = await db.selectNoFrom(now.as('now')).executeTakeFirstOrThrow();
  return { at: new Date(Number(clock.now)), nodes: rows.map(fromRow) };
}

/**
 * Deletes the rows of nodes that have not reported for `silentForMs` by the database's clock:
 * nodes long gone (a pod per deployment, a host replaced), which would otherwise be listed as
 * stale forever. A node that comes back writes its row again on its next heartbeat.
 */
export async function forgetSilentNodes(
  db: Kysely<StoreDatabase>,
  now: RawBuilder<number>,
  silentForMs: number,
): Promise<number> {
  const result = await db
    .deleteFrom('nodes')
    .where('updated_at', '<', sql<number>`${now} - ${silentForMs}`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

function fromRow(row: NodeTable): NodeRecord {
  return {
    nodeId: row.node_id,
    address: row.address,
    state: row.state === 'stopped' ? 'stopped' : 'serving',
    appliedVersion: row.applied_version,
    heartbeatMs: row.heartbeat_ms,
    startedAt: new Date(row.started_at),
    updatedAt: new Date(row.updated_at),
  };
}
