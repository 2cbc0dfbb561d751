import { readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { KeyFenceError } from '../common/keyfence-error.js';
import { createPrivateFileSync, makePrivateDir, replacePrivateFile } from '../common/private-files.js';

/** The file whose lock a running node holds, inside the folder it owns. */
export const LOCK_FILE_NAME = 'keyfence.lock';
/** Who holds the lock, for the node that is refused: the lock file itself cannot be read while held. */
export const HOLDER_FILE_NAME = 'keyfence.lock.json';

/** The node holding a data folder, as it described itself. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly nodeId: string;
  /** When it took the lock (ISO 8601). */
  readonly since: string;
}

export class DataDirInUseError extends KeyFenceError {
  readonly dir: string;
  /** Undefined when the holder has not described itself yet (it took the lock a moment ago). */
  readonly holder: LockHolder | undefined;

  constructor(dir: string, holder: LockHolder | undefined) {
    const who =
      holder === undefined
        ? 'another process'
        : `node ${holder.nodeId} (pid ${holder.pid} on ${holder.host}, since ${holder.since})`;
    super(
      'DataDir.InUse',
      `the data folder ${dir} is in use by ${who}: each node needs a data folder of its own (only the database and the master key are shared)`,
    );
    this.dir = dir;
    this.holder = holder;
  }
}

/**
 * A running node's claim on a folder it owns (the SQLite database, the audit spool): two nodes
 * on one folder would overwrite each other's spool files and lose audit events. The claim is
 * SQLite's exclusive lock on an empty database file, held in a transaction left open for the
 * process's life: a POSIX lock, so the kernel releases it when the process dies however it
 * dies, and a restart after kill -9 just works. SQLite also makes two connections of one process
 * conflict (POSIX locks alone would not), so a second server in the same process is refused too.
 * It is only as reliable as the file system's locks (local file systems: yes).
 */
export class DataDirLock {
  readonly #dir: string;
  readonly #database: Database.Database;

  private constructor(dir: string, database: Database.Database) {
    this.#dir = dir;
    this.#database = database;
  }

  /**
   * Creates `dir` (0700) if missing and takes its lock, or throws `DataDirInUseError` naming the
   * holder, having changed nothing in the folder.
   */
  static async acquire(dir: string, nodeId: string, now: Date = new Date()): Promise<DataDirLock> {
    await makePrivateDir(dir);
    const file = join(dir, LOCK_FILE_NAME);
    createPrivateFileSync(file);
    let database: Database.Database | undefined;
    try {
      database = new Database(file, { timeout: 0 });
      // No journal file: nothing is ever written, the transaction exists only for its lock.
      database.pragma('journal_mode = memory');
      database.exec('begin exclusive');
    } catch (error) {
      database?.close();
      if ((error as { code?: unknown }).code === 'SQLITE_BUSY') {
        throw new DataDirInUseError(dir, await readHolder(dir));
      }
      throw error;
    }
    const holder: LockHolder = { pid: process.pid, host: hostname(), nodeId, since: now.toISOString() };
    try {
      await replacePrivateFile(join(dir, HOLDER_FILE_NAME), `${JSON.stringify(holder)}\n`);
    } catch (error) {
      database.close();
      throw error;
    }
    return new DataDirLock(dir, database);
  }

  /** Gives the folder up; the holder file goes first, so it never names a node that left. */
  async release(): Promise<void> {
    await unlink(join(this.#dir, HOLDER_FILE_NAME)).catch(() => {});
    this.#database.close();
  }
}

async function readHolder(dir: string): Promise<LockHolder | undefined> {
  try {
    const holder = JSON.parse(await readFile(join(dir, HOLDER_FILE_NAME), 'utf8')) as Partial<LockHolder>;
    const { pid, host, nodeId, since } = holder;
    if (
      typeof pid === 'number' &&
      typeof host === 'string' &&
      typeof nodeId === 'string' &&
      typeof since === 'string'
    ) {
      return { pid, host, nodeId, since };
    }
    return undefined;
  } catch {
    return undefined;
  }
}
