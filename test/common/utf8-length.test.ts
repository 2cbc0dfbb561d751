import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { utf8Length } from '../../src/common/utf8-length.js';

test('utf8Length equals Buffer.byteLength for any string, lone surrogates included', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (text) => {
      assert.equal(utf8Length(text), Buffer.byteLength(text, 'utf8'));
    }),
    { numRuns: 2000 },
  );
  for (const text of ['', 'a', 'é', '€', '😀', '\ud800', '\udc00', 'a\ud800b', '\ud83d\ude00\ud83d'])
    assert.equal(utf8Length(text), Buffer.byteLength(text, 'utf8'), JSON.stringify(text));
});
