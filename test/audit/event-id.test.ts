import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { newEventId } from '../../src/audit/event-id.js';

const uuidV7 = /^[0-9A-F]{8}-[0-9A-F]{4}-7[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/;

/** The milliseconds a version 7 UUID carries in its first 48 bits. */
const timeOf = (id: string) => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

describe('event IDs', () => {
  test('are upper-case version 7 UUIDs carrying the arrival to the millisecond', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (arrival) => {
        const id = newEventId(arrival);
        assert.match(id, uuidV7);
        assert.equal(timeOf(id), arrival);
      }),
    );
  });

  test('sort in arrival order across milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 2 }), fc.integer({ min: 1, max: 10_000 }), (a, gap) => {
        const b = Math.min(a + gap, 2 ** 48 - 1);
        assert.ok(newEventId(a) < newEventId(b));
      }),
    );
  });

  test('differ within one millisecond, across more IDs than one pool of random bytes holds', () => {
    const ids = new Set(Array.from({ length: 5000 }, () => newEventId(1_700_000_000_000)));
    assert.equal(ids.size, 5000);
  });

  test('a time outside 48 bits is clamped, never a malformed ID', () => {
    assert.equal(timeOf(newEventId(-5)), 0);
    assert.equal(timeOf(newEventId(2 ** 50)), 2 ** 48 - 1);
    assert.match(newEventId(Number.NaN), uuidV7);
  });
});
