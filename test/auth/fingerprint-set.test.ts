/** The fingerprint table of the replay guard, against a plain Set as the model. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FingerprintSet } from '../../src/auth/fingerprint-set.js';

// Few distinct `lo` values put many members on the same home slot and runs across the table's
// end, where backward-shift deletion has the most to get wrong.
// A zero `hi` with a non-zero `lo` is a member like any other (only 0/0 marks an empty slot).
const member = fc
  .record({
    hi: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2 ** 32 - 1 })),
    lo: fc.oneof(
      fc.integer({ min: 0, max: 7 }),
      fc.integer({ min: 1018, max: 1023 }),
      fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    ),
  })
  .filter(({ hi, lo }) => hi !== 0 || lo !== 0);
const op = fc.record({ add: fc.boolean(), member });

describe('FingerprintSet', () => {
  it('holds exactly what was added and not deleted, through growth and shrinking (property)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), (ops) => {
        const set = new FingerprintSet();
        const model = new Set<string>();
        const added: { hi: number; lo: number }[] = [];
        for (const { add, member: m } of ops) {
          const id = `${m.hi}/${m.lo}`;
          if (add) {
            assert.equal(set.has(m.hi, m.lo), model.has(id));
            if (!model.has(id)) {
              set.add(m.hi, m.lo);
              model.add(id);
              added.push(m);
            }
          } else if (added.length > 0) {
            // Delete something present (the first member at or after a position picked by hi).
            const victim = added.splice(m.hi % added.length, 1)[0]!;
            set.delete(victim.hi, victim.lo);
            model.delete(`${victim.hi}/${victim.lo}`);
          }
          assert.equal(set.size, model.size);
        }
        for (const m of added) assert.ok(set.has(m.hi, m.lo), `lost ${m.hi}/${m.lo}`);
      }),
      { numRuns: 60 },
    );
  });

  it('grows past its first table and gives the room back as members leave', () => {
    const set = new FingerprintSet();
    for (let i = 1; i <= 100_000; i++) set.add(i, Math.imul(i, 2654435761) >>> 0);
    assert.equal(set.size, 100_000);
    for (let i = 1; i <= 100_000; i += 2) set.delete(i, Math.imul(i, 2654435761) >>> 0);
    for (let i = 1; i <= 100_000; i++) assert.equal(set.has(i, Math.imul(i, 2654435761) >>> 0), i % 2 === 0);
    for (let i = 2; i <= 100_000; i += 2) set.delete(i, Math.imul(i, 2654435761) >>> 0);
    assert.equal(set.size, 0);
    assert.equal(set.has(2, Math.imul(2, 2654435761) >>> 0), false);
  });

  it('ignores the deletion of a non-member', () => {
    const set = new FingerprintSet();
    set.add(1, 5);
    set.delete(2, 5);
    set.delete(1, 6);
    assert.equal(set.size, 1);
    assert.ok(set.has(1, 5));
  });
});
