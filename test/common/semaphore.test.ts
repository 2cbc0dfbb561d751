import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Semaphore } from '../../src/common/semaphore.js';

describe('Semaphore', () => {
  test('holds at most its limit at once, in arrival order', async () => {
    const semaphore = new Semaphore(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) =>
        semaphore.run(async () => {
          running++;
          most = Math.max(most, running);
          order.push(i);
          await new Promise((resolve) => setTimeout(resolve, 5));
          running--;
        }),
      ),
    );
    assert.equal(most, 2);
    assert.deepEqual(order, [0, 1, 2, 3, 4, 5]);
  });

  test('frees its place when the work fails', async () => {
    const semaphore = new Semaphore(1);
    await assert.rejects(semaphore.run(() => Promise.reject(new Error('boom'))));
    assert.equal(await semaphore.run(async () => 'next'), 'next');
  });
});
