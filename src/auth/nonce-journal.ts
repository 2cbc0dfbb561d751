import { closeSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivateDirSync, openPrivateAppendSync } from '../common/private-files.js';
import type { NonceBatcherCounters } from './nonce-batcher.js';
import type { NonceLedger } from './nonce-ledger.js';
import type { ReplayGuard } from './replay-guard.js';

export interface NonceJournalOptions {
  /** The folder the journal's files live in (created 0700); one process's alone. */
  readonly dir: string;
  /** Filled at open with the nonces still within their window; the journal only records. */
  readonly guard: ReplayGuard;
  readonly now?: () => number;
  /** An append failed: the claims are answered from the guard alone until one succeeds. Must not throw. */
  readonly onError?: (error: unknown) => void;
  /** Appends succeed again after a failure. Must not throw. */
  readonly onRecovered?: () => void;
}

const FILE = /^nonces-([0-9]{1,15})\.jsonl$/;
const NEWLINE = 0x0a;

/**
 * Replay protection across restarts for a node that owns its store alone (SQLite: the data folder
 * is locked to one node, so there is no other node to tell). Every nonce the ReplayGuard admitted
 * is appended to a file in the data folder before its request is answered, and at start the files
 * are read back into the guard, which then refuses the replays as if the process had never
 * stopped. Why not a table in the store: a claim there costs a transaction, which on SQLite blocks
 * the event loop; measured, it took a fifth of a node's throughput of signed checks, where an
 * append per turn of the event loop (one `write`, the claims of every request that arrived in it)
 * costs about a microsecond a request (docs/benchmarks.md, forward-auth).
 *
 * An append is not fsync'd: it survives a crash or a kill -9 of the process (the kernel holds the
 * page), not a power loss of the machine in the seconds before the kernel writes it out, the same
 * bargain as the store's own claims on SQLite. A line torn by a power loss is skipped at start.
 *
 * Files rotate by window: `nonces-<n>.jsonl` takes the nonces admitted while `floor(now / window)`
 * is `n`. A request's signed time is within a window of its arrival, so its nonce expires within
 * two windows of that: at start, and whenever a new file begins, files older than the two before
 * the current one are deleted. Each line is `[accessKeyId, nonce, signedTimeMs]`.
 */
export class NonceJournal implements NonceLedger {
  readonly #dir: string;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #options: NonceJournalOptions;
  #fd: number | undefined;
  #generation = -1;
  #lines: string[] = [];
  #answers: ((first: boolean) => void)[] = [];
  #scheduled = false;
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
   * Returns the journal and how many nonces the guard took back.
   */
  static open(options: NonceJournalOptions): { journal: NonceJournal; restored: number } {
    const journal = new NonceJournal(options);
    makePrivateDirSync(journal.#dir);
    return { journal, restored: journal.#restore() };
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
    if (this.#closed) {
      this.#unrecorded++;
      return Promise.resolve(true);
    }
    this.#lines.push(`${JSON.stringify([accessKeyId, nonce, requestTime.getTime()])}\n`);
    return new Promise((answer) => {
      this.#answers.push(answer);
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#append);
      }
    });
  }

  /** Appends what waits and closes the file; later claims are answered from the guard alone. */
  async close(): Promise<number> {
    this.#append();
    this.#closed = true;
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    return 0;
  }

  /** One write for every claim of this turn of the event loop, then every one is answered. */
  readonly #append = (): void => {
    this.#scheduled = false;
    const lines = this.#lines;
    const answers = this.#answers;
    if (lines.length === 0) return;
    this.#lines = [];
    this.#answers = [];
    try {
      writeFully(this.#file(), Buffer.from(lines.join('')));
      this.#appends++;
      if (this.#failing) {
        this.#failing = false;
        this.#options.onRecovered?.();
      }
    } catch (error) {
      // Fail-static: the guard admitted these nonces, so this process still refuses their replays;
      // only a restart before the journal works again would forget them.
      this.#unrecorded += lines.length;
      if (!this.#failing) {
        this.#failing = true;
        this.#options.onError?.(error);
      }
    }
    for (const answer of answers) answer(true);
  };

  /** The file of the current window, opened (and older files deleted) when a window begins. */
  #file(): number {
    const generation = Math.floor(this.#now() / this.#windowMs);
    if (this.#fd === undefined || generation !== this.#generation) {
      const fd = openPrivateAppendSync(join(this.#dir, `nonces-${generation}.jsonl`));
      if (this.#fd !== undefined) closeSync(this.#fd);
      this.#fd = fd;
      this.#generation = generation;
      this.#deleteBefore(generation - 2);
    }
    return this.#fd;
  }

  #restore(): number {
    const current = Math.floor(this.#now() / this.#windowMs);
    this.#deleteBefore(current - 2);
    const now = new Date(this.#now());
    let restored = 0;
    for (const { name } of this.#files()) {
      const text = readFileSync(join(this.#dir, name));
      for (let start = 0; start < text.length; ) {
        let end = text.indexOf(NEWLINE, start);
        if (end < 0) end = text.length;
        const record = parseRecord(text.toString('utf8', start, end));
        start = end + 1;
        if (record === undefined) continue;
        const [accessKeyId, nonce, signedAt] = record;
        if (this.#options.guard.admit(accessKeyId, nonce, new Date(signedAt), now) === 'admitted') restored++;
      }
    }
    return restored;
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

function writeFully(fd: number, bytes: Buffer): void {
  for (let written = 0; written < bytes.length; ) {
    written += writeSync(fd, bytes, written, bytes.length - written);
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
  const [accessKeyId, nonce, signedAt] = value as unknown[];
  return typeof accessKeyId === 'string' && typeof nonce === 'string' && Number.isSafeInteger(signedAt)
    ? [accessKeyId, nonce, signedAt as number]
    : undefined;
}
