/**
 * The group commit of signature nonces: batching, order, duplicates, a failed or late batch (the
 * claims answered from memory, stored later, replays found then counted), the backlog's bound,
 * close; and a property against a plain Set.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import fc from 'fast-check';
import { NonceBatcher, type NonceBatcherOptions, type NonceRecord } from '../../src/auth/nonce-batcher.js';
import { nonceDigest } from '../../src/auth/nonce-digest.js';

const SIGNED = new Date('2026-01-01T00:00:00Z');
const WINDOW = 15 * 60_000;
const KEY = 'LTAI5tKeyFenceTest01';

/** The store's claim, as KeyFenceStore.claimSignatureNonces does it, with batches held until released. */
class FakeLedgerStore {
  readonly stored = new Set<string>();
  readonly batches: NonceRecord[][] = [];
  /** When set, the next writes reject with it. */
  failure: Error | undefined;
  /** When true, each write waits for `release()`. */
  hold = false;
  #held: (() => void)[] = [];

  readonly write = async (records: readonly NonceRecord[]): Promise<boolean[]> => {
    this.batches.push([...records]);
    if (this.hold) await new Promise<void>((resolve) => this.#held.push(resolve));
    if (this.failure !== undefined) throw this.failure;
    return records.map((record) => {
      const key = `${record.expiresAt}:${record.digest}`;
      if (this.stored.has(key)) return false;
      this.stored.add(key);
      return true;
    });
  };

  release(): void {
    for (const resolve of this.#held.splice(0)) resolve();
  }

  /** Another node (or this one before a restart) claimed this nonce. */
  claimedElsewhere(nonce: string): void {
    this.stored.add(`${SIGNED.getTime() + WINDOW}:${nonceDigest(KEY, nonce, SIGNED)}`);
  }
}

interface Told {
  unreachable: unknown[];
  reachable: number[];
  lateReplays: number[];
}

function batcher(store: FakeLedgerStore, options: Partial<NonceBatcherOptions> = {}) {
  const told: Told = { unreachable: [], reachable: [], lateReplays: [] };
  const nonces = new NonceBatcher({
    write: store.write,
    windowMs: WINDOW,
    retryMs: 10,
    now: () => SIGNED.getTime(),
    onUnreachable: (error) => told.unreachable.push(error),
    onReachable: (pending) => told.reachable.push(pending),
    onLateReplays: (count) => told.lateReplays.push(count),
    ...options,
  });
  const claim = (nonce: string, key = KEY) => nonces.claim(key, nonce, SIGNED);
  return { nonces, claim, told };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Whether the promise settled by the next turn of the event loop. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await nextTurn();
  await nextTurn();
  return done;
}

describe('NonceBatcher', () => {
  it('claims arriving together share one transaction, and each waits for its commit', async () => {
    const store = new FakeLedgerStore();
    store.hold = true;
    const { nonces, claim } = batcher(store);
    const answers = ['a', 'b', 'c'].map((n) => claim(n));
    await until(() => store.batches.length === 1, 'the batch was sent');
    assert.equal(store.batches[0]!.length, 3);
    assert.equal(await settled(answers[0]!), false, 'answered before its batch committed');
    store.hold = false;
    store.release();
    assert.deepEqual(await Promise.all(answers), [true, true, true]);
    assert.equal(nonces.counters.batches, 1);
    assert.equal((await claim('a')) || (await claim('b')), false, 'a stored nonce is refused');
  });

  it('sends one batch at a time, in claim order, at most maxBatch claims each', async () => {
    const store = new FakeLedgerStore();
    store.hold = true;
    const { claim } = batcher(store, { maxBatch: 2 });
    const first = claim('n0');
    await until(() => store.batches.length === 1, 'the first batch was sent');
    const later = ['n1', 'n2', 'n3', 'n4', 'n5'].map((n) => claim(n));
    await nextTurn();
    assert.equal(store.batches.length, 1, 'the next batch waits for the one in flight');
    for (let sent = 1; sent < 4; sent++) {
      store.release();
      await until(() => store.batches.length === sent + 1, `batch ${sent + 1} was sent`);
    }
    store.release();
    assert.deepEqual(await Promise.all([first, ...later]), [true, true, true, true, true, true]);
    const digests = store.batches.map((batch) => batch.map((record) => record.digest));
    assert.deepEqual(
      digests,
      [['n0'], ['n1', 'n2'], ['n3', 'n4'], ['n5']].map((batch) =>
        batch.map((n) => nonceDigest(KEY, n, SIGNED)),
      ),
    );
  });

  it('the same nonce twice in one batch: exactly one claim wins', async () => {
    const store = new FakeLedgerStore();
    const { nonces, claim } = batcher(store);
    const answers = await Promise.all([claim('x'), claim('x'), claim('y'), claim('x')]);
    assert.deepEqual(answers, [true, false, true, false]);
    assert.equal(store.batches.flat().length, 2, 'a duplicate never reaches the store');
    assert.equal(nonces.counters.refused, 2);
  });

  it('the same nonce of another key, or signed at another time, is another claim', async () => {
    const store = new FakeLedgerStore();
    const { nonces } = batcher(store);
    const answers = await Promise.all([
      nonces.claim(KEY, 'x', SIGNED),
      nonces.claim('LTAI5tAnotherKey0002', 'x', SIGNED),
      nonces.claim(KEY, 'x', new Date(SIGNED.getTime() + 1000)),
    ]);
    assert.deepEqual(answers, [true, true, true]);
  });

  it('a nonce claimed elsewhere (another node, or before a restart) is refused', async () => {
    const store = new FakeLedgerStore();
    store.claimedElsewhere('seen');
    const { nonces, claim } = batcher(store);
    assert.deepEqual(await Promise.all([claim('seen'), claim('new')]), [false, true]);
    assert.equal(nonces.counters.refused, 1);
  });

  it('a failed batch: its claims and those after are answered from memory, stored once the store is back, replays then counted', async () => {
    const store = new FakeLedgerStore();
    store.failure = new Error('connection refused');
    const { nonces, claim, told } = batcher(store);
    assert.deepEqual(await Promise.all([claim('a'), claim('b')]), [true, true]);
    assert.equal(told.unreachable.length, 1);
    assert.equal(nonces.counters.unreachable, true);
    // During the outage a claim is answered at once, without a transaction; a repeat within
    // this process is still refused.
    const sent = store.batches.length;
    assert.equal(await claim('c'), true);
    assert.equal(await claim('c'), false);
    assert.equal(await claim('a'), false);
    // A request another node accepted during the outage, replayed here: accepted from memory.
    store.claimedElsewhere('d');
    assert.equal(await claim('d'), true);
    assert.equal(nonces.counters.backlog, 4);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.ok(store.batches.length > sent, 'retried');
    assert.equal(told.unreachable.length, 1, 'the outage is reported once');

    store.failure = undefined;
    await until(() => nonces.counters.backlog === 0, 'the backlog was stored');
    assert.deepEqual(told.reachable, [0]);
    assert.deepEqual(told.lateReplays, [1]);
    assert.equal(nonces.counters.lateReplays, 1);
    assert.equal(nonces.counters.unreachable, false);
    assert.equal(store.stored.size, 4);
    // Back to normal: claims wait for the store again, and the stored ones are refused.
    assert.deepEqual(await Promise.all([claim('a'), claim('e')]), [false, true]);
  });

  it('a batch slower than waitMs: answered from memory, and a replay it carried is counted when it commits', async () => {
    const store = new FakeLedgerStore();
    store.hold = true;
    store.claimedElsewhere('replayed');
    const { nonces, claim, told } = batcher(store, { waitMs: 20 });
    const answers = Promise.all([claim('fresh'), claim('replayed')]);
    assert.deepEqual(await answers, [true, true]);
    assert.equal(told.unreachable.length, 1);
    assert.equal(await claim('meanwhile'), true);
    store.hold = false;
    store.release();
    await until(
      () => told.lateReplays.length === 1 && nonces.counters.backlog === 0,
      'the late batch committed',
    );
    assert.deepEqual(told.lateReplays, [1]);
    assert.ok(store.stored.size >= 3);
  });

  it('the backlog is bounded: beyond it, claims are still answered from memory, and counted as dropped', async () => {
    const store = new FakeLedgerStore();
    store.failure = new Error('down');
    const { nonces, claim } = batcher(store, { maxBacklog: 3, retryMs: 60_000 });
    await claim('a');
    for (const n of ['b', 'c', 'd', 'e']) assert.equal(await claim(n), true);
    assert.equal(nonces.counters.backlog, 3);
    assert.equal(nonces.counters.dropped, 2);
    assert.equal(await nonces.close(), 3);
  });

  it('claims past their expiry are not stored once the store is back', async () => {
    const store = new FakeLedgerStore();
    store.failure = new Error('down');
    let now = SIGNED.getTime();
    const { nonces, claim } = batcher(store, { now: () => now });
    await claim('a');
    now += WINDOW + 1;
    store.failure = undefined;
    await until(() => nonces.counters.backlog === 0, 'the backlog emptied');
    assert.equal(store.stored.size, 0);
  });

  it('close stores what waits, and says how many claims answered from memory were never stored', async () => {
    const store = new FakeLedgerStore();
    const { nonces, claim } = batcher(store);
    const answer = claim('a');
    assert.equal(await nonces.close(), 0);
    assert.equal(await answer, true);
    assert.equal(store.stored.size, 1);

    const down = new FakeLedgerStore();
    down.failure = new Error('down');
    const outage = batcher(down, { retryMs: 60_000 });
    await outage.claim('b');
    await outage.claim('c');
    assert.equal(await outage.nonces.close(), 2);
  });

  it('rejects settings that are not positive integers', () => {
    const store = new FakeLedgerStore();
    for (const bad of [{ windowMs: 0 }, { maxBatch: 1.5 }, { waitMs: -1 }, { maxBacklog: Number.NaN }]) {
      assert.throws(() => new NonceBatcher({ write: store.write, windowMs: WINDOW, ...bad }), RangeError);
    }
  });

  it('agrees with a Set: each nonce is accepted by its first claim only, and batches keep claim order', async () => {
    const step = fc.oneof(
      { weight: 4, arbitrary: fc.record({ claim: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g') }) },
      { weight: 1, arbitrary: fc.record({ turns: fc.integer({ min: 1, max: 3 }) }) },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 60 }),
        fc.integer({ min: 1, max: 5 }),
        async (steps, maxBatch) => {
          const store = new FakeLedgerStore();
          const { nonces, claim } = batcher(store, { maxBatch });
          const model = new Set<string>();
          const expected: boolean[] = [];
          const answers: Promise<boolean>[] = [];
          const order: string[] = [];
          for (const s of steps) {
            if ('claim' in s) {
              expected.push(!model.has(s.claim));
              if (!model.has(s.claim)) order.push(nonceDigest(KEY, s.claim, SIGNED));
              model.add(s.claim);
              answers.push(claim(s.claim));
            } else {
              for (let i = 0; i < s.turns; i++) await nextTurn();
            }
          }
          assert.deepEqual(await Promise.all(answers), expected);
          assert.ok(store.batches.every((batch) => batch.length <= maxBatch));
          // A nonce claimed again after its first claim was stored reaches the store again (and
          // loses there); first claims reach it in claim order.
          const written = store.batches.flat().map((record) => record.digest);
          assert.deepEqual([...new Set(written)], order);
          assert.equal(await nonces.close(), 0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
