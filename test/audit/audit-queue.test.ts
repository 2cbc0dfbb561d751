import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AuditQueue } from '../../src/audit/audit-queue.js';

describe('AuditQueue', () => {
  test('hands items out oldest first, at most as many as asked', () => {
    const queue = new AuditQueue<number>(10);
    for (let i = 1; i <= 5; i++) assert.equal(queue.offer(i), true);
    assert.equal(queue.depth, 5);
    assert.deepEqual(queue.take(2), [1, 2]);
    assert.deepEqual(queue.take(10), [3, 4, 5]);
    assert.deepEqual(queue.take(10), []);
    assert.equal(queue.depth, 0);
  });

  test('is bounded: a full queue refuses and counts, and keeps what it had', () => {
    const queue = new AuditQueue<number>(3);
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((i) => queue.offer(i)),
      [true, true, true, false, false],
    );
    assert.equal(queue.depth, 3);
    assert.equal(queue.dropped, 2);
    assert.deepEqual(queue.take(1), [1]);
    assert.equal(queue.offer(6), true);
    assert.equal(queue.offer(7), false);
    assert.equal(queue.dropped, 3);
    assert.deepEqual(queue.take(5), [2, 3, 6]);
  });

  test('behaves like an unbounded list that refuses beyond capacity, across many wrap-arounds', () => {
    const queue = new AuditQueue<number>(7);
    const model: number[] = [];
    let next = 0;
    let refused = 0;
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < (round % 5) + 1; i++) {
        const accepted = model.length < 7;
        if (accepted) model.push(next);
        else refused++;
        assert.equal(queue.offer(next++), accepted);
      }
      const count = (round % 4) + 1;
      assert.deepEqual(queue.take(count), model.splice(0, count));
      assert.equal(queue.depth, model.length);
    }
    assert.equal(queue.dropped, refused);
    assert.ok(refused > 0);
  });

  test('refuses a capacity that is not a positive integer', () => {
    for (const capacity of [0, -1, 1.5, Number.NaN])
      assert.throws(() => new AuditQueue(capacity), RangeError);
  });
});
