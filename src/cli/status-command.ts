import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isPostgresUrl } from '../config/build-config.js';
import { type KeyFenceStore, openStore, SQLITE_FILE_NAME, type StoreConfig } from '../store/index.js';
import { MISSED_HEARTBEATS, type PropagationReport, readPropagation } from '../sync/propagation.js';
import { type CommandResult, DEFAULT_DATA_DIR, describeError, locationOf } from './init-command.js';
import { textTable } from './text-table.js';

export interface StatusOptions {
  readonly data?: string | undefined;
  readonly databaseUrl?: string | undefined;
  /** The version asked about, as typed; default the last committed one. */
  readonly version?: string | undefined;
  readonly json?: boolean | undefined;
}

/**
 * 0: every node that reported recently enforces the version; 3: some lag; 4: no node reported
 * recently, so nothing enforces it (a deploy gate must not pass on an empty cluster); 1: could
 * not tell.
 */
export const STATUS_EXIT = { enforced: 0, lagging: 3, noRunningNode: 4, error: 1 } as const;

const command = 'keyfence status';

/**
 * `keyfence status`: reads the node status table straight from the store (no server needed) and
 * says, for one change-log version, which nodes enforce it, which lag, and which are stale or
 * stopped (docs/sync.md).
 */
export async function runStatus(options: StatusOptions): Promise<CommandResult> {
  const fail = (message: string): CommandResult => ({
    exitCode: STATUS_EXIT.error,
    stdout: '',
    stderr: `${command}: ${message}\n`,
  });
  let version: number | undefined;
  if (options.version !== undefined) {
    version = /^[1-9][0-9]{0,14}$/.test(options.version) ? Number(options.version) : undefined;
    if (version === undefined) return fail('--version: expected a change-log version, a whole number from 1');
  }
  let database: StoreConfig;
  if (options.databaseUrl !== undefined) {
    if (!isPostgresUrl(options.databaseUrl))
      return fail('--database-url: expected a postgres:// or postgresql:// URL');
    database = { dialect: 'postgres', connectionString: options.databaseUrl };
  } else {
    const file = join(resolve(options.data ?? DEFAULT_DATA_DIR), SQLITE_FILE_NAME);
    // Opening a missing SQLite file would create an empty store.
    if (!(await isFile(file))) return fail(`there is no store at ${file} (see --data, --database-url)`);
    database = { dialect: 'sqlite', file };
  }

  let store: KeyFenceStore;
  try {
    store = await openStore(database);
  } catch (error) {
    return fail(`cannot open the store at ${locationOf(database)}: ${describeError(error)}`);
  }
  try {
    const read = await readPropagation(store, version);
    if (!read.ok) {
      return fail(
        `version ${read.error.version} has not been committed; the latest is ${read.error.currentVersion}`,
      );
    }
    const report = read.value;
    return {
      exitCode: !report.enforced
        ? STATUS_EXIT.lagging
        : running(report)
          ? STATUS_EXIT.enforced
          : STATUS_EXIT.noRunningNode,
      stdout: options.json ? `${JSON.stringify(toJson(report), null, 2)}\n` : toText(report),
      stderr: '',
    };
  } catch (error) {
    return fail(`cannot read the node status: ${describeError(error)}`);
  } finally {
    await store.close();
  }
}

function toJson(report: PropagationReport) {
  return {
    version: report.version,
    currentVersion: report.currentVersion,
    enforced: report.enforced,
    counts: report.counts,
    at: report.at.toISOString(),
    nodes: report.nodes.map((node) => ({
      nodeId: node.nodeId,
      standing: node.standing,
      appliedVersion: node.appliedVersion,
      address: node.address,
      lastHeartbeat: node.updatedAt.toISOString(),
      heartbeatAgeMs: node.ageMs,
      heartbeatMs: node.heartbeatMs,
      startedAt: node.startedAt.toISOString(),
    })),
  };
}

function toText(report: PropagationReport): string {
  const header = ['NODE', 'STANDING', 'APPLIED', 'LAST HEARTBEAT', 'ADDRESS'];
  const rows = report.nodes.map((node) => [
    node.nodeId,
    node.standing,
    String(node.appliedVersion),
    `${(node.ageMs / 1000).toFixed(1)} s ago`,
    node.address ?? '-',
  ]);
  const { counts } = report;
  const lines = [
    `policy version ${report.version} (last committed: ${report.currentVersion})`,
    '',
    ...(rows.length === 0 ? ['no node has reported yet'] : textTable(header, rows)),
    '',
    `${counts.enforcing} enforcing, ${counts.lagging} lagging, ${counts.stale} stale, ${counts.stopped} stopped`,
    !report.enforced
      ? `version ${report.version} is not enforced everywhere yet`
      : running(report)
        ? `every node that reported in the last ${MISSED_HEARTBEATS} heartbeats enforces version ${report.version}`
        : `no running node: none reported in the last ${MISSED_HEARTBEATS} heartbeats, so no node enforces version ${report.version}`,
  ];
  if (counts.stale > 0) {
    lines.push(
      'a stale node has stopped reporting: it crashed, hangs, or cannot reach the database (and then',
      'keeps enforcing the version it has); check it',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Nodes that reported in the last heartbeats (the others are stale or stopped). */
function running(report: PropagationReport): boolean {
  return report.counts.enforcing + report.counts.lagging > 0;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
