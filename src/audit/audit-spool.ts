import { constants } from 'node:fs';
import { lstat, open, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { KeyFenceError } from '../common/keyfence-error.js';
import { makePrivateDir } from '../common/private-files.js';
import { decodeSpoolEntry, encodeSpoolEntry, type SpoolEntry } from './audit-spool-entry.js';

export interface AuditSpoolOptions {
  /** The spool directory: created 0700 if missing, refused if group or others can reach it. */
  readonly dir: string;
  /** The most bytes the spool files may hold together; entries beyond are dropped and counted. */
  readonly maxBytes: number;
}

/** The spool's state, for metrics. */
export interface AuditSpoolCounters {
  /** Entries waiting to be written to the store (as their files were written). */
  readonly entries: number;
  readonly bytes: number;
  /** Entries dropped because the spool was full, or because a spool file could not be written. */
  readonly dropped: number;
  /** Lines found unreadable when draining (a line cut short by a crash, a damaged file). */
  readonly unreadable: number;
  /** Entries set aside because the store refused their data (`setAside`), since the spool was opened. */
  readonly setAside: number;
}

interface Segment {
  readonly name: string;
  readonly seq: number;
  readonly entries: number;
  readonly bytes: number;
}

// `<sequence>-<entries>.jsonl`: the name carries the order and the entry count, so opening the
// spool needs no file read. Entries the store refused are set aside as `rejected-<sequence>-
// <entries>.jsonl`, which no drain reads.
const segmentName = /^(\d{12})-(\d+)\.jsonl$/;
const setAsideName = /^rejected-(\d{12})-(\d+)\.jsonl$/;

export class AuditSpoolError extends KeyFenceError {
  constructor(dir: string, problem: string) {
    super('AuditSpool.Unusable', `the audit spool directory ${dir} ${problem}`);
  }
}

/**
 * Audit events that could not be written to the store, kept on disk until it takes them: a
 * bounded directory of JSON-lines files, one per batch, oldest drained first. Each file is
 * created 0600 (never overwriting anything), written, fsync'd, and its directory entry fsync'd,
 * before the batch counts as kept; it is deleted only after its events are stored. A crash in
 * between writes the events again, which the store skips by event ID. A line cut short by a
 * crash is ignored when read. Entries hold masked records only (audit-spool-entry.ts): no
 * secret, signature or SecurityToken is ever written.
 *
 * Entries whose data the store refused (a value the database cannot hold: retrying cannot help)
 * are set aside in files of their own, for the operator, and never drained; they count towards
 * the bound until the operator deletes them.
 */
export class AuditSpool {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #segments: Segment[];
  #nextSeq: number;
  #bytes: number;
  #dropped = 0;
  #unreadable = 0;
  #setAside = 0;

  private constructor(dir: string, maxBytes: number, segments: Segment[], asideFiles: readonly Segment[]) {
    this.#dir = dir;
    this.#maxBytes = maxBytes;
    this.#segments = segments;
    const files = [...segments, ...asideFiles];
    this.#nextSeq = Math.max(0, ...files.map((f) => f.seq)) + 1;
    this.#bytes = files.reduce((sum, f) => sum + f.bytes, 0);
  }

  /** Opens (creating if needed) the spool in `dir`, finding what an earlier run left there. */
  static async open(options: AuditSpoolOptions): Promise<AuditSpool> {
    const { dir, maxBytes } = options;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
      throw new RangeError(`audit spool maxBytes must be a positive integer, got ${maxBytes}`);
    }
    await makePrivateDir(dir);
    const stat = await lstat(dir);
    if (!stat.isDirectory()) throw new AuditSpoolError(dir, 'is not a directory');
    if ((stat.mode & 0o077) !== 0) {
      throw new AuditSpoolError(dir, 'must not be accessible to group or others (chmod 700)');
    }
    const uid = process.getuid?.();
    if (uid !== undefined && stat.uid !== uid) throw new AuditSpoolError(dir, 'belongs to another user');
    const segments: Segment[] = [];
    const asideFiles: Segment[] = [];
    for (const name of await readdir(dir)) {
      const match = segmentName.exec(name) ?? setAsideName.exec(name);
      if (match === null) continue;
      const file = await lstat(join(dir, name));
      if (!file.isFile()) continue;
      const found = { name, seq: Number(match[1]), entries: Number(match[2]), bytes: file.size };
      (name.startsWith('rejected-') ? asideFiles : segments).push(found);
    }
    segments.sort((a, b) => a.seq - b.seq);
    return new AuditSpool(dir, maxBytes, segments, asideFiles);
  }

  /** True while entries wait to be written to the store. */
  get waiting(): boolean {
    return this.#segments.length > 0;
  }

  get counters(): AuditSpoolCounters {
    return {
      entries: this.#segments.reduce((sum, s) => sum + s.entries, 0),
      bytes: this.#bytes,
      dropped: this.#dropped,
      unreadable: this.#unreadable,
      setAside: this.#setAside,
    };
  }

  /**
   * Keeps as many of `entries` as fit within the bound, in one new file, and drops (and counts)
   * the rest. Resolves with how many were kept; a file that cannot be written keeps none.
   */
  async append(entries: readonly SpoolEntry[]): Promise<number> {
    const kept = await this.#keep('', entries);
    if (kept !== undefined) this.#segments.push(kept);
    return kept?.entries ?? 0;
  }

  /**
   * Keeps entries whose data the store refused in a file that is never drained, within the
   * bound like `append` (the rest dropped and counted); resolves with how many were kept.
   */
  async setAside(entries: readonly SpoolEntry[]): Promise<number> {
    const kept = await this.#keep('rejected-', entries);
    this.#setAside += kept?.entries ?? 0;
    return kept?.entries ?? 0;
  }

  async #keep(prefix: string, entries: readonly SpoolEntry[]): Promise<Segment | undefined> {
    const lines: string[] = [];
    let bytes = 0;
    for (const entry of entries) {
      const line = `${encodeSpoolEntry(entry)}\n`;
      const size = Buffer.byteLength(line);
      if (this.#bytes + bytes + size > this.#maxBytes) break;
      lines.push(line);
      bytes += size;
    }
    this.#dropped += entries.length - lines.length;
    if (lines.length === 0) return undefined;
    const seq = this.#nextSeq++;
    const name = `${prefix}${String(seq).padStart(12, '0')}-${lines.length}.jsonl`;
    try {
      await this.#write(name, lines.join(''));
    } catch (error) {
      this.#dropped += lines.length;
      throw error;
    }
    this.#bytes += bytes;
    return { name, seq, entries: lines.length, bytes };
  }

  /** The entries of the oldest file, or undefined when nothing waits. Unreadable lines are skipped and counted. */
  async readOldest(): Promise<SpoolEntry[] | undefined> {
    const oldest = this.#segments[0];
    if (oldest === undefined) return undefined;
    let text: string;
    try {
      text = await readFile(join(this.#dir, oldest.name), 'utf8');
    } catch (error) {
      // Removed by someone else: nothing left to drain from it.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const lines = text.split('\n');
    // What follows the last newline is a line whose write never finished: not an entry.
    const partial = lines.pop();
    if (partial !== undefined && partial !== '') this.#unreadable++;
    const entries: SpoolEntry[] = [];
    for (const line of lines) {
      const entry = decodeSpoolEntry(line);
      if (entry === undefined) this.#unreadable++;
      else entries.push(entry);
    }
    return entries;
  }

  /** Deletes the oldest file, once its entries are in the store. */
  async removeOldest(): Promise<void> {
    const oldest = this.#segments[0];
    if (oldest === undefined) return;
    await unlink(join(this.#dir, oldest.name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    this.#segments.shift();
    this.#bytes -= oldest.bytes;
  }

  async #write(name: string, text: string): Promise<void> {
    const path = join(this.#dir, name);
    const file = await open(
      path,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o600,
    );
    try {
      await file.writeFile(text);
      await file.sync();
    } catch (error) {
      await file.close();
      await unlink(path).catch(() => {});
      throw error;
    }
    await file.close();
    // The file's directory entry must survive a crash too.
    const dir = await open(this.#dir, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
