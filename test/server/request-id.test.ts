import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newRequestId } from '../../src/server/http/request-id.js';

const uuidV8 = /^[0-9A-F]{8}-[0-9A-F]{4}-8[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/;

describe('newRequestId', () => {
  test('upper-case version 8 UUIDs, all different, one prefix per process, in sequence', () => {
    const ids = Array.from({ length: 100_000 }, () => newRequestId());
    for (const id of ids) assert.match(id, uuidV8);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(new Set(ids.map((id) => id.slice(0, 24))).size, 1);
    const sequence = ids.map((id) => Number.parseInt(id.slice(24), 16));
    for (let i = 1; i < sequence.length; i++) assert.equal(sequence[i], sequence[i - 1]! + 1);
  });
});
