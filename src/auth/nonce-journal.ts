import { closeSync, fstatSync, readdirSync, readFileSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivateDirSync, openPrivateAppendSync } from '../common/private-files.js';
import type { NonceBatcherCounters } from './nonce-batcher.js';
import { nonceKey } from './nonce-key.js';
import type { NonceLedger } from './nonce-ledger.js';
import type { ReplayGuard } from './replay-guard.js';

export interface NonceJournalOptions {
  /** The folder the journal's files live in (created 0700); one process's alone. */
  readonly dir: string;
  /** Filled at open with the nonces still within their window; the journal only records. */
  readonly guard: ReplayGuard;
  readonly now?: () => number;
  /** An append failed: the claims are answered from the guard alone until one succeeds. */
  readonly onError?: (error: unknown) => void;
  /** Appends succeed again after a failure. */
  readonly onRecovered?: () => void;
}

/** What opening the journal gave back to the guard. */
export interface Restored {
  /** Nonces the guard took back: their replays are refused. */
  readonly restored: number;
  /** Nonces the guard had no room for (its caps are lower than when they were admitted). */
  readonly refused: number;
}

const FILE = /^nonces-([0-9]{1,15})\.jsonl$/;
const NEWLINE = 0x0a;
const ANSWERED = Promise.resolve(true);

/**
 * Replay protection across restarts for a node that owns its store alone (SQLite: the data folder
 * is locked to one node, so there is no other node to tell). Every nonce the ReplayGuard admitted
 * is appended to a file in the data folder before its request goes on, and at start the files are
 * read back into the guard, which then refuses the replays as if the process had never stopped.
 * Why not a table in the store: a claim there costs a transaction, which on SQLite blocks the
 * event loop; measured, it took a fifth of a node's throughput of signed checks, where an append
 * costs a write of about 80 bytes (docs/benchmarks.md, forward-auth). Appends are synchronous, one
 * per claim: batching them per turn of the event loop cost as much CPU, and every request a turn.
 *
 * An append is not fsync'd: it survives a crash or a kill -9 of the process (the kernel holds the
 * page), not a power loss of the machine in the seconds before the kernel writes it out, the same
 * bargain as the store's own claims on SQLite. A line torn so, or by a failed write, is skipped at
 * start, and the next append starts on a line of its own so that it is not lost with it.
 *
 * Files rotate by window: `nonces-<n>.jsonl` takes the nonces admitted while `floor(now / window)`
 * is `n`. A request's signed time is within a window of its arrival, so its nonce expires within
 * two windows of that: when a new file begins, files older than the two before it are deleted.
 * Each line is `[accessKeyId, nonceKey(nonce), signedTimeMs]`: long nonces are kept as a digest,
 * so no client decides how large a line is.
 */
export class NonceJournal implements NonceLedger {
  readonly #dir: string;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #options: NonceJournalOptions;
  #fd: number | undefined;
  #generation = -1;
  /** The file may end in a torn line: the next append begins with a newline. */
  #tornTail = false;
  #failing = false;
  #appends = 0;
  #unrecorded = 0;
  #closed = false;

  private constructor(options: NonceJournalOptions) {
    this.#options = options;
    this.#dir = options.dir;
    this.#windowMs = options.guard.windowMs;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Opens the journal in `dir` and replays what it holds into the guard: synchronous, since the
   * node must not answer a signed request before its guard knows every nonce still in its window.
   */
  static open(options: NonceJournalOptions): { journal: NonceJournal } & Restored {
    const journal = new NonceJournal(options);
    makePrivateDirSync(journal.#dir);
    return { journal, ...journal.#restore() };
  }

  get counters(): NonceBatcherCounters {
    return {
      batches: this.#appends,
      refused: 0,
      lateReplays: 0,
      backlog: 0,
      dropped: this.#unrecorded,
      unreachable: this.#failing,
    };
  }

  claim(accessKeyId: string, nonce: string, requestTime: Date): Promise<boolean> {
    this.#append(`${JSON.stringify([accessKeyId, nonceKey(nonce), requestTime.getTime()])}\n`);
    if (this.#closed) this.#closeFile();
    // Recorded or not, the guard admitted the nonce: this process refuses its replay either way.
    return ANSWERED;
  }

  /**
   * Closes the file. A request still being verified after this (one cut off at shutdown) is
   * still recorded, each in a file opened and closed for it. Resolves with how many nonces could
   * not be recorded since the journal opened.
   */
  async close(): Promise<number> {
    this.#closed = true;
    this.#closeFile();
    return this.#unrecorded;
  }

  #append(line: string): void {
    try {
      const fd = this.#file();
      writeFully(fd, this.#tornTail ? `\n${line}` : line);
      this.#tornTail = false;
      this.#appends++;
      if (this.#failing) {
        this.#failing = false;
        tell(this.#options.onRecovered);
      }
    } catch (error) {
      // Fail-static: the guard admitted the nonce, so this process still refuses its replay; only
      // a restart before the journal works again would forget it. A failed write may have left
      // part of the line.
      this.#unrecorded++;
      this.#tornTail = true;
      if (!this.#failing) {
        this.#failing = true;
        tell(this.#options.onError, error);
      }
    }
  }

  /** The file of the current window, opened (and files too old to matter deleted) as one begins. */
  #file(): number {
    const generation = Math.floor(this.#now() / this.#windowMs);
    if (this.#fd !== undefined && generation === this.#generation) return this.#fd;
    const fd = openPrivateAppendSync(join(this.#dir, `nonces-${generation}.jsonl`));
    this.#closeFile();
    this.#fd = fd;
    this.#generation = generation;
    this.#tornTail ||= endsTorn(fd);
    try {
      this.#deleteBefore(generation - 2);
    } catch {
      // Tried again when the next window begins; an old file only takes room meanwhile.
    }
    return fd;
  }

  #closeFile(): void {
    const fd = this.#fd;
    this.#fd = undefined;
    if (fd === undefined) return;
    try {
      closeSync(fd);
    } catch {
      // The descriptor is gone either way, and everything written to it is with the kernel.
    }
  }

  #restore(): Restored {
    const files = this.#files();
    // A clock stepped back since the newest file began would see its nonces as signed in the
    // future, outside the window; the guard then keeps time from that file's start instead (it
    // never lets its own clock run backwards either).
    const newest = files.at(-1)?.generation ?? 0;
    const at = Math.max(this.#now(), newest * this.#windowMs);
    const now = new Date(at);
    const current = Math.floor(at / this.#windowMs);
    let restored = 0;
    let refused = 0;
    for (const { name, generation } of files) {
      const path = join(this.#dir, name);
      if (generation < current - 2) {
        unlinkSync(path);
        continue;
      }
      const text = readFileSync(path);
      for (let start = 0; start < text.length; ) {
        let end = text.indexOf(NEWLINE, start);
        if (end < 0) end = text.length;
        const record = parseRecord(text.toString('utf8', start, end));
        start = end + 1;
        if (record === undefined) continue;
        const [accessKeyId, key, signedAt] = record;
        const admission = this.#options.guard.admit(accessKeyId, key, new Date(signedAt), now);
        if (admission === 'admitted') restored++;
        else if (admission === 'full' || admission === 'key-quota-exceeded') refused++;
      }
    }
    return { restored, refused };
  }

  #deleteBefore(generation: number): void {
    for (const file of this.#files()) {
      if (file.generation < generation) unlinkSync(join(this.#dir, file.name));
    }
  }

  /** The journal's files, oldest first. */
  #files(): { readonly name: string; readonly generation: number }[] {
    return readdirSync(this.#dir)
      .flatMap((name) => {
        const match = FILE.exec(name);
        return match === null ? [] : [{ name, generation: Number(match[1]) }];
      })
      .sort((a, b) => a.generation - b.generation);
  }
}

function writeFully(fd: number, text: string): void {
  const written = writeSync(fd, text);
  if (written === Buffer.byteLength(text)) return;
  const bytes = Buffer.from(text);
  for (let at = written; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
}

/** Whether the file is not empty and its last byte is no newline: a line was cut short. */
function endsTorn(fd: number): boolean {
  const { size } = fstatSync(fd);
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] !== NEWLINE;
}

/** Calls a hook that must not break the journal. */
function tell(hook: ((error?: unknown) => void) | undefined, error?: unknown): void {
  try {
    hook?.(error);
  } catch {
    // A failing log line must not cost the request its answer.
  }
}

/** A line as the journal writes it, or undefined for anything else (a line a power loss tore). */
function parseRecord(line: string): [string, string, number] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 3) return undefined;
  const [accessKeyId, key, signedAt] = value as unknown[];
  return typeof accessKeyId === 'string' && typeof key === 'string' && Number.isSafeInteger(signedAt)
    ? [accessKeyId, key, signedAt as number]
    : undefined;
}
