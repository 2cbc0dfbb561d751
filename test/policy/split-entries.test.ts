import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { splitEntries } from '../../src/policy/split-entries.js';

describe('splitEntries', () => {
  it('splits on spaces, commas, semicolons, tabs and newlines', () => {
    assert.deepEqual(
      splitEntries('1.2.3.4 5.6.7.8,10.0.0.0/8;::1\t2001:db8::/32\n192.0.2.1\r\n198.51.100.0/24'),
      ['1.2.3.4', '5.6.7.8', '10.0.0.0/8', '::1', '2001:db8::/32', '192.0.2.1', '198.51.100.0/24'],
    );
  });

  it('drops empty entries between separators', () => {
    assert.deepEqual(splitEntries('1.2.3.4,,5.6.7.8'), ['1.2.3.4', '5.6.7.8']);
    assert.deepEqual(splitEntries(';;'), []);
    assert.deepEqual(splitEntries(''), []);
    assert.deepEqual(splitEntries(' , ; \n'), []);
    assert.deepEqual(splitEntries(', 1.2.3.4 ;'), ['1.2.3.4']);
  });

  it('leaves look-alike separators inside the entry for the parser to refuse', () => {
    assert.deepEqual(splitEntries('1.2.3.4，5.6.7.8'), ['1.2.3.4，5.6.7.8']);
    assert.deepEqual(splitEntries('1.2.3.4\u00a05.6.7.8\u30001.1.1.1'), [
      '1.2.3.4\u00a05.6.7.8\u30001.1.1.1',
    ]);
  });

  it('returns exactly the entries, whatever mix of separators surrounds them', () => {
    const entry = fc.string({
      unit: fc.constantFrom(...'0123456789abcdef.:/%ABCDEF'),
      minLength: 1,
      maxLength: 20,
    });
    const separators = (minLength: number) =>
      fc.string({ unit: fc.constantFrom(' ', ',', ';', '\t', '\n', '\r'), minLength, maxLength: 5 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(entry, separators(1))),
        separators(0),
        fc.boolean(),
        (pairs, leading, endsWithEntry) => {
          const joined = leading + pairs.map(([e, sep]) => e + sep).join('');
          const text = endsWithEntry ? joined.replace(/[ ,;\t\n\r]+$/, '') : joined;
          assert.deepEqual(
            splitEntries(text),
            pairs.map(([e]) => e),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('splits a 1 MB paste in linear time', () => {
    const text = '203.0.113.1, '.repeat(80_000);
    const started = performance.now();
    assert.equal(splitEntries(text).length, 80_000);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 500, `took ${elapsed} ms`);
  });
});
