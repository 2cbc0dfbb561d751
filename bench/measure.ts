/**
 * Timing, percentile and memory helpers for the benchmark. Decisions are timed in batches (one
 * `process.hrtime.bigint()` pair per batch, divided by the batch size) over a rotating ring of
 * pre-generated queries; every result is folded into `sink` so nothing can be optimised away.
 */
import { getHeapStatistics } from 'node:v8';
import type { Engine } from './peers/peer.js';
import type { Query } from './workload.js';

/** Accumulates every engine's results; printed at the end so the work is observable. */
let sink = 0;

export function sinkValue(): number {
  return sink;
}

export function now(): bigint {
  return process.hrtime.bigint();
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** Samples of one engine on one cell, collected over several interleaved rounds. */
export class Series {
  readonly engine: Engine;
  readonly queries: readonly Query[];
  /** ns per decision, one per batch. */
  readonly samples: number[] = [];
  batch = 1;
  totalNs = 0;
  totalDecisions = 0;
  #position = 0;

  constructor(engine: Engine, queries: readonly Query[]) {
    this.engine = engine;
    this.queries = queries;
  }

  /**
   * Runs the engine for about `warmupMs` without recording, then sets the batch size so one batch
   * takes about `batchTargetNs` (at most `maxBatch` decisions, at least one).
   */
  warmUp(warmupMs: number, batchTargetNs: number, maxBatch: number): void {
    const start = now();
    const deadline = start + BigInt(Math.round(warmupMs * 1e6));
    let step = 1;
    let done = 0;
    let t = start;
    do {
      sink += this.engine.run(this.queries, this.#position, step);
      this.#position = (this.#position + step) % this.queries.length;
      done += step;
      const t1 = now();
      // Next step: about 5 ms of work, so slow engines are not run far past the deadline.
      step = Math.max(1, Math.min(256, Math.floor(5e6 / (Number(t1 - t) / step))));
      t = t1;
    } while (t < deadline);
    const perDecision = Number(t - start) / done;
    this.batch = Math.max(1, Math.min(maxBatch, Math.floor(batchTargetNs / perDecision)));
  }

  /** Records batches for about `budgetMs` (always at least two). */
  sample(budgetMs: number): void {
    const engine = this.engine;
    const queries = this.queries;
    const n = queries.length;
    const batch = this.batch;
    const deadline = now() + BigInt(Math.round(budgetMs * 1e6));
    let taken = 0;
    for (;;) {
      const t0 = process.hrtime.bigint();
      sink += engine.run(queries, this.#position, batch);
      const t1 = process.hrtime.bigint();
      const ns = Number(t1 - t0);
      this.samples.push(ns / batch);
      this.totalNs += ns;
      this.totalDecisions += batch;
      this.#position = (this.#position + batch) % n;
      taken++;
      if (taken >= 2 && t1 >= deadline) break;
    }
  }

  result(): TimingResult {
    const sorted = [...this.samples].sort((a, b) => a - b);
    return {
      medianNs: percentile(sorted, 50),
      p99Ns: percentile(sorted, 99),
      perSecond: this.totalNs === 0 ? 0 : (this.totalDecisions / this.totalNs) * 1e9,
      samples: sorted.length,
      batch: this.batch,
      decisions: this.totalDecisions,
    };
  }
}

export interface TimingResult {
  readonly medianNs: number;
  readonly p99Ns: number;
  /** Timed decisions divided by timed seconds (so pauses count, unlike the median). */
  readonly perSecond: number;
  readonly samples: number;
  readonly batch: number;
  readonly decisions: number;
}

/** Rough cost of one decision (ns), from a handful of calls; used to pick slow peers' ring size. */
export function roughCost(engine: Engine, queries: readonly Query[], calls: number): number {
  const t0 = now();
  sink += engine.run(queries, 0, calls);
  return Number(now() - t0) / calls;
}

/**
 * Bytes allocated per decision, estimated from growth of the used heap across runs of `count`
 * decisions with no GC in between (runs during which a scavenge shrank the heap are dropped).
 * At most `runs` runs and about `budgetMs` of work.
 */
export function allocatedPerDecision(
  engine: Engine,
  queries: readonly Query[],
  count: number,
  runs: number,
  budgetMs: number,
): number {
  const deltas: number[] = [];
  const deadline = now() + BigInt(Math.round(budgetMs * 1e6));
  for (let r = 0; r < runs; r++) {
    const before = getHeapStatistics().used_heap_size;
    sink += engine.run(queries, r * count, count);
    const after = getHeapStatistics().used_heap_size;
    if (after >= before) deltas.push((after - before) / count);
    if (now() > deadline) break;
  }
  return deltas.length === 0 ? Number.NaN : median(deltas);
}

/**
 * heapUsed + arrayBuffers after full collections, once stable. Needs `--expose-gc`. Freed
 * ArrayBuffer backing stores are released by a concurrent sweeper after the GC, so a reading taken
 * right after gc() can still count them (tens of MB after a typed array was regrown): collect and
 * wait until two readings agree.
 */
export async function settledMemory(): Promise<number> {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error('run with node --expose-gc (npm run bench does)');
  let last = Number.NaN;
  for (let i = 0; i < 30; i++) {
    gc();
    gc();
    await new Promise((resolve) => setTimeout(resolve, 25));
    const m = process.memoryUsage();
    const value = m.heapUsed + m.arrayBuffers;
    if (Math.abs(value - last) < 256 * 1024) return Math.min(value, last);
    last = value;
  }
  return last;
}
