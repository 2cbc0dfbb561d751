/** The nonce cache: replays, expiry, the caps (failing closed) and a clock that steps back. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ReplayGuard } from '../../src/auth/replay-guard.js';

const t0 = new Date('2026-01-01T00:00:00Z').getTime();
const at = (offsetMs: number) => new Date(t0 + offsetMs);
const WINDOW = 15 * 60 * 1000;

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
