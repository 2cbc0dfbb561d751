/** The nonce cache: replays, expiry, the caps (failing closed) and a clock that steps back. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_REPLAY_GUARD_LIMITS, ReplayGuard } from '../../src/auth/replay-guard.js';

const t0 = new Date('2026-01-01T00:00:00Z').getTime();
const at = (offsetMs: number) => new Date(t0 + offsetMs);
const WINDOW = 15 * 60 * 1000;

/**
 * The guard's rules in the plainest form (strings in a Set, entries in an array in insertion
 * order, eviction up to the first live one): the model the compact guard must agree with.
 */
class ModelGuard {
  readonly #seen = new Set<string>();
  readonly #counts = new Map<string, number>();
  readonly #queue: { id: string; key: string; expiresAt: number }[] = [];
  #latest = Number.NEGATIVE_INFINITY;
  constructor(
    readonly windowMs: number,
    readonly maxEntries: number,
    readonly perKey: number,
  ) {}
  admit(key: string, nonce: string, signed: number, now: number): string {
    const at = Math.max(now, this.#latest);
    this.#latest = at;
    while (this.#queue.length > 0 && this.#queue[0]!.expiresAt < at) {
      const gone = this.#queue.shift()!;
      this.#seen.delete(gone.id);
      this.#counts.set(gone.key, this.#counts.get(gone.key)! - 1);
    }
    if (Math.abs(signed - at) > this.windowMs) return 'expired';
    const id = JSON.stringify([key, nonce]);
    if (this.#seen.has(id)) return 'replayed';
    if ((this.#counts.get(key) ?? 0) >= this.perKey) return 'key-quota-exceeded';
    if (this.#seen.size >= this.maxEntries) return 'full';
    this.#seen.add(id);
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
    this.#queue.push({ id, key, expiresAt: signed + this.windowMs });
    return 'admitted';
  }
  get size(): number {
    return this.#seen.size;
  }
}

/** A guard and the model with the default caps, and a check that both answer a request alike. */
function guardAndModel(windowMs: number) {
  const guard = new ReplayGuard({ windowMs });
  const model = new ModelGuard(
    windowMs,
    DEFAULT_REPLAY_GUARD_LIMITS.maxEntries,
    DEFAULT_REPLAY_GUARD_LIMITS.maxEntriesPerAccessKey,
  );
  const agree = (nonce: string, signed: number, now: number) => {
    assert.equal(guard.admit('LTAI1', nonce, at(signed), at(now)), model.admit('LTAI1', nonce, signed, now));
    assert.equal(guard.size, model.size);
  };
  return { guard, agree };
}

describe('ReplayGuard', () => {
  it('refuses an invalid signed time instead of remembering it forever', () => {
    const guard = new ReplayGuard();
    assert.equal(guard.admit('LTAI1', 'n1', new Date(Number.NaN), at(0)), 'expired');
    assert.equal(guard.size, 0, 'nothing remembered');
  });

  it('admits a nonce once per AccessKey', () => {
    const guard = new ReplayGuard();
    assert.equal(guard.admit('LTAI1', 'n1', at(0), at(0)), 'admitted');
    assert.equal(guard.admit('LTAI1', 'n1', at(0), at(1000)), 'replayed');
    assert.equal(guard.admit('LTAI2', 'n1', at(0), at(1000)), 'admitted');
    assert.equal(guard.admit('LTAI1', 'n2', at(0), at(1000)), 'admitted');
    assert.equal(guard.size, 3);
  });

  it('cannot be confused by an AccessKey ID and nonce that concatenate alike', () => {
    const guard = new ReplayGuard();
    assert.equal(guard.admit('LTAI1', '2n', at(0), at(0)), 'admitted');
    assert.equal(guard.admit('LTAI12', 'n', at(0), at(0)), 'admitted');
  });

  it('remembers a nonce until the last instant its request could pass the time check', () => {
    const guard = new ReplayGuard();
    guard.admit('LTAI1', 'n1', at(0), at(0));
    assert.equal(guard.admit('LTAI1', 'n1', at(0), at(WINDOW)), 'replayed');
    assert.equal(guard.admit('LTAI1', 'other', at(WINDOW), at(WINDOW + 1)), 'admitted');
    assert.equal(guard.size, 1, 'the first entry is forgotten once its window is over');
    assert.equal(guard.admit('LTAI1', 'n1', at(0), at(WINDOW + 1)), 'expired');
  });

  it('remembers a request signed in the future for the whole window after its signed time', () => {
    const guard = new ReplayGuard();
    assert.equal(guard.admit('LTAI1', 'n1', at(WINDOW), at(0)), 'admitted');
    guard.admit('LTAI1', 'n2', at(2 * WINDOW), at(2 * WINDOW));
    assert.equal(guard.admit('LTAI1', 'n1', at(WINDOW), at(2 * WINDOW)), 'replayed');
  });

  it('refuses a signed time outside the window, judged on its own clock reading', () => {
    assert.equal(new ReplayGuard().admit('LTAI1', 'n1', at(0), at(WINDOW + 1)), 'expired');
    assert.equal(new ReplayGuard().admit('LTAI1', 'n2', at(WINDOW + 1), at(0)), 'expired');
  });

  it('does not let a clock stepping back revive a window it has already closed', () => {
    const guard = new ReplayGuard();
    guard.admit('LTAI1', 'n1', at(0), at(0));
    guard.admit('LTAI1', 'n2', at(WINDOW + 1), at(WINDOW + 1));
    // The clock now reads earlier than before; n1 was forgotten and must not be admitted again.
    assert.equal(guard.admit('LTAI1', 'n1', at(0), at(WINDOW)), 'expired');
  });

  it('fails closed when full: refuses new nonces and still recognises replays', () => {
    const guard = new ReplayGuard({ maxEntries: 2 });
    assert.equal(guard.admit('LTAI1', 'n1', at(0), at(0)), 'admitted');
    assert.equal(guard.admit('LTAI2', 'n2', at(0), at(0)), 'admitted');
    assert.equal(guard.admit('LTAI3', 'n3', at(0), at(0)), 'full');
    assert.equal(guard.admit('LTAI1', 'n1', at(0), at(0)), 'replayed');
    assert.equal(
      guard.admit('LTAI3', 'n3', at(WINDOW + 1), at(WINDOW + 1)),
      'admitted',
      'room again after expiry',
    );
  });

  it('caps each AccessKey, leaving room for the others', () => {
    const guard = new ReplayGuard({ maxEntriesPerAccessKey: 2 });
    guard.admit('LTAI1', 'n1', at(0), at(0));
    guard.admit('LTAI1', 'n2', at(0), at(0));
    assert.equal(guard.admit('LTAI1', 'n3', at(0), at(0)), 'key-quota-exceeded');
    assert.equal(guard.admit('LTAI2', 'n3', at(0), at(0)), 'admitted');
    assert.equal(guard.admit('LTAI1', 'n3', at(WINDOW + 1), at(WINDOW + 1)), 'admitted');
  });

  it('counts a key’s nonces exactly while some of them expire', () => {
    const guard = new ReplayGuard({ windowMs: WINDOW, maxEntriesPerAccessKey: 2 });
    assert.equal(guard.admit('LTAI1', 'a1', at(0), at(0)), 'admitted');
    assert.equal(guard.admit('LTAI1', 'a2', at(1), at(1)), 'admitted');
    // a1 has expired, a2 has not: the key holds two again with a3, and a4 is one too many.
    assert.equal(guard.admit('LTAI1', 'a3', at(WINDOW + 1), at(WINDOW + 1)), 'admitted');
    assert.equal(guard.admit('LTAI1', 'a4', at(WINDOW + 1), at(WINDOW + 1)), 'key-quota-exceeded');
    assert.equal(guard.size, 2);
  });

  it('refuses nonsensical limits', () => {
    for (const options of [
      { windowMs: 0 },
      { maxEntries: -1 },
      { maxEntriesPerAccessKey: 1.5 },
      { maxEntries: Number.NaN },
    ]) {
      assert.throws(() => new ReplayGuard(options), RangeError);
    }
  });

  it('stays exact across many evictions (the queue compacts)', () => {
    const guard = new ReplayGuard({ windowMs: 10 });
    for (let i = 0; i < 5000; i++) {
      assert.equal(guard.admit('LTAI1', `n${i}`, at(i), at(i)), 'admitted');
      assert.ok(guard.size <= 21);
      if (i >= 10) assert.equal(guard.admit('LTAI1', `n${i - 10}`, at(i - 10), at(i)), 'replayed');
    }
  });

  it('answers every request as the plain model does, through queue growth and wrap-around (property)', () => {
    const event = fc.record({
      key: fc.constantFrom('LTAI1', 'LTAI2', 'LTAI3'),
      nonce: fc.integer({ min: 0, max: 3000 }).map(String),
      signedOffset: fc.integer({ min: -450, max: 450 }),
      // Mostly small steps, so that over a thousand nonces live at once (the queue grows and
      // wraps); now and then a jump that lets most expire (it shrinks).
      advance: fc.oneof(
        { weight: 40, arbitrary: fc.integer({ min: -1, max: 2 }) },
        { weight: 1, arbitrary: fc.integer({ min: 300, max: 900 }) },
      ),
    });
    fc.assert(
      fc.property(
        fc.array(event, { minLength: 1, maxLength: 4000 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1, max: 1500 }),
        (events, maxEntries, perKey) => {
          const guard = new ReplayGuard({ windowMs: 400, maxEntries, maxEntriesPerAccessKey: perKey });
          const model = new ModelGuard(400, maxEntries, perKey);
          let clock = 0;
          for (const [i, { key, nonce, signedOffset, advance }] of events.entries()) {
            clock += advance;
            const signed = clock + signedOffset;
            const expected = model.admit(key, nonce, signed, clock);
            assert.equal(guard.admit(key, nonce, at(signed), at(clock)), expected, `event ${i}`);
            assert.equal(guard.size, model.size);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('agrees with the model while thousands of nonces live at once, the queue growing, wrapping and shrinking', () => {
    const { guard, agree } = guardAndModel(3000);
    let peak = 0;
    // Three waves of 5000 nonces, one per ms, with a pause of two windows between them; every
    // nonce is also replayed a little later, some still live, some long gone.
    for (let wave = 0; wave < 3; wave++) {
      const start = wave * 20_000;
      for (let i = 0; i < 5000; i++) {
        const now = start + i;
        const nonce = `w${wave}n${i}`;
        agree(nonce, now, now);
        agree(`w${wave}n${Math.max(0, i - 2500)}`, start + Math.max(0, i - 2500), now);
        peak = Math.max(peak, guard.size);
      }
    }
    assert.ok(peak > 3000, `the queue held ${peak} at most`);
  });

  it('agrees with the model when the queue grows after its head has wrapped around', () => {
    const { agree } = guardAndModel(1000);
    const replayed: string[] = [];
    // A steady nonce per ms (about a thousand live, the head going round), then three per ms.
    for (let now = 0; now < 6000; now++) {
      for (let k = 0; k < (now < 3000 ? 1 : 3); k++) {
        const nonce = `${now}/${k}`;
        agree(nonce, now, now);
        replayed.push(nonce);
      }
      // Something from about 900 ms ago: still live, so a replay.
      const old = replayed[Math.max(0, replayed.length - (now < 3000 ? 900 : 2700))]!;
      agree(old, Number(old.split('/')[0]), now);
    }
  });

  it('never admits the same (key, nonce) twice while its signed time is in the window (property)', () => {
    const event = fc.record({
      key: fc.constantFrom('LTAI1', 'LTAI2'),
      nonce: fc.constantFrom('a', 'b', 'c', 'd'),
      signedOffset: fc.integer({ min: -40, max: 40 }),
      advance: fc.integer({ min: -5, max: 10 }),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 200 }), (events) => {
        const guard = new ReplayGuard({ windowMs: 20, maxEntries: 5, maxEntriesPerAccessKey: 3 });
        const admitted = new Map<string, number>();
        let clock = 0;
        for (const { key, nonce, signedOffset, advance } of events) {
          clock += advance;
          const signedAt = clock + signedOffset;
          const result = guard.admit(key, nonce, at(signedAt), at(clock));
          const id = `${key}/${nonce}/${signedAt}`;
          if (result === 'admitted') {
            assert.ok(!admitted.has(id), `admitted twice: ${id}`);
            admitted.set(id, clock);
          }
          assert.ok(guard.size <= 5);
        }
      }),
    );
  });
});
