import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newRequestId } from '../../../src/server/http/request-id.js';

const uuidV4 = /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/;

describe('newRequestId', () => {
  test('upper-case random UUIDs, all different, every random digit used', () => {
    const ids = Array.from({ length: 100_000 }, () => newRequestId());
    for (const id of ids) assert.match(id, uuidV4);
    assert.equal(new Set(ids).size, ids.length);
    // Each of the 30 fully random digit positions takes all 16 values over 100,000 IDs.
    const positions = [...ids[0]!].map((_, i) => i).filter((i) => ![8, 13, 14, 18, 19, 23].includes(i));
    for (const i of positions) assert.equal(new Set(ids.map((id) => id[i])).size, 16, `position ${i}`);
  });
});
