import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { scanAddress } from '../../src/net/address.js';
import { RangeArena } from '../../src/net/range-arena.js';
import { compileRanges, type Range } from '../../src/net/range-set.js';

const out = new Uint32Array(4);

function wordsOf(value: bigint): [number, number, number, number] {
  return [0, 1, 2, 3].map((k) => Number((value >> BigInt(96 - 32 * k)) & 0xffffffffn)) as [
    number,
    number,
    number,
    number,
  ];
}

/** The reference: the lowest label of any range containing `x`, by a plain scan. */
function lowestLabel<T extends number | bigint>(ranges: readonly Range<T>[], x: T): number {
  let best = -1;
  for (const r of ranges) if (r.first <= x && x <= r.last && (best < 0 || r.label < best)) best = r.label;
  return best;
}

const v4Range = fc
  .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.nat(7))
  .map(([a, b, label]) => ({ first: Math.min(a, b), last: Math.max(a, b), label }));

// Small spans near a few centres make overlaps, adjacency and nesting common.
const clusteredV4Range = fc
  .tuple(fc.constantFrom(0, 1000, 0x7fffffff, 0xffffff00), fc.nat(300), fc.nat(300), fc.nat(7))
  .map(([centre, a, b, label]) => {
    const first = Math.min(0xffffffff, centre + Math.min(a, b));
    return { first, last: Math.min(0xffffffff, centre + Math.max(a, b)), label };
  });

const v6Range = fc
  .tuple(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.bigInt({ min: 0n, max: 1n << 70n }), fc.nat(7))
  .map(([first, span, label]) => {
    const last = first + span > (1n << 128n) - 1n ? (1n << 128n) - 1n : first + span;
    return { first, last, label };
  });

describe('compileRanges', () => {
  test('segments are sorted, disjoint, and labelled with the lowest covering label', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(v4Range, clusteredV4Range), { maxLength: 40 }), (ranges) => {
        const segments = compileRanges(ranges, 1);
        for (let i = 1; i < segments.length; i++) {
          assert.ok(segments[i - 1]!.last < segments[i]!.first, 'segments overlap or are unsorted');
          const touching = segments[i - 1]!.last + 1 === segments[i]!.first;
          assert.ok(
            !(touching && segments[i - 1]!.label === segments[i]!.label),
            'adjacent twins not joined',
          );
        }
        for (const s of segments) {
          for (const x of [s.first, s.last, Math.floor((s.first + s.last) / 2)]) {
            assert.equal(s.label, lowestLabel(ranges, x));
          }
        }
        // Every boundary of every input range and its neighbours is covered exactly as the reference says.
        for (const r of ranges) {
          for (const x of [r.first - 1, r.first, r.last, r.last + 1]) {
            if (x < 0 || x > 0xffffffff) continue;
            const hit = segments.find((s) => s.first <= x && x <= s.last);
            assert.equal(hit?.label ?? -1, lowestLabel(ranges, x));
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('RangeArena', () => {
  test('IPv4 and IPv6 lookups match a BigInt reference on 100,000+ addresses', () => {
    let checked = 0;
    fc.assert(
      fc.property(
        fc.array(fc.oneof(v4Range, clusteredV4Range), { maxLength: 60 }),
        fc.array(v6Range, { maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 100, maxLength: 100 }),
        fc.array(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), { minLength: 100, maxLength: 100 }),
        (v4Ranges, v6Ranges, v4Probes, v6Probes) => {
          const arena = new RangeArena(8);
          arena.add([{ first: 1, last: 2, label: 0 }], []); // a neighbour, so refs are not all 0
          const ref = arena.add(compileRanges(v4Ranges, 1), compileRanges(v6Ranges, 1n));
          const near = v4Ranges.flatMap((r) => [r.first - 1, r.first, r.last, r.last + 1]);
          for (const x of [...v4Probes, ...near]) {
            if (x < 0 || x > 0xffffffff) continue;
            assert.equal(arena.matchV4(ref, x), lowestLabel(v4Ranges, x), `IPv4 ${x}`);
            checked++;
          }
          const nearV6 = v6Ranges.flatMap((r) => [r.first - 1n, r.first, r.last, r.last + 1n]);
          for (const x of [...v6Probes, ...nearV6]) {
            if (x < 0n || x >= 1n << 128n) continue;
            const [w0, w1, w2, w3] = wordsOf(x);
            assert.equal(
              arena.matchV6(ref, Uint32Array.of(w0, w1, w2, w3)),
              lowestLabel(v6Ranges, x),
              `IPv6 ${x}`,
            );
            checked++;
          }
        },
      ),
      { numRuns: 500 },
    );
    assert.ok(checked >= 100_000, `only ${checked} addresses checked`);
  });

  test('large IPv4 sets (indexed by /8) match the reference, at bucket edges too', () => {
    const smallRange = fc
      .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.nat(0xfffff), fc.nat(3))
      .map(([first, span, label]) => ({ first, last: Math.min(0xffffffff, first + span), label }));
    fc.assert(
      fc.property(
        fc.array(smallRange, { minLength: 30, maxLength: 300 }),
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 200, maxLength: 200 }),
        (ranges, probes) => {
          const arena = new RangeArena(8);
          const compiled = compileRanges(ranges, 1);
          const ref = arena.add(compiled, [{ first: 5n, last: 9n, label: 7 }]);
          const edges = [0, 0xffffffff, ...Array.from({ length: 256 }, (_, b) => b * 0x1000000)];
          const near = ranges.flatMap((r) => [r.first - 1, r.first, r.last, r.last + 1]);
          for (const x of [...probes, ...edges, ...edges.map((e) => e - 1), ...near]) {
            if (x < 0 || x > 0xffffffff) continue;
            assert.equal(
              arena.matchV4(ref, x),
              lowestLabel(ranges, x),
              `IPv4 ${x} in ${compiled.length} segments`,
            );
          }
          // The IPv6 part after the index is still found.
          assert.equal(arena.matchV6(ref, Uint32Array.of(0, 0, 0, 7)), 7, 'IPv6 after a bucketed IPv4 part');
        },
      ),
      { numRuns: 200 },
    );
  });

  test('large IPv6 sets (indexed after their shared leading bits) match the reference, at bucket edges too', () => {
    const MAX = (1n << 128n) - 1n;
    // Prefixes whose sets share 0, 3, 10, 32 and 40 leading bits: the index must work whether the
    // shared bits end inside word 0, at its end, or beyond it (then it falls back to one bucket).
    const prefixes = [
      { base: 0n, bits: 0 },
      { base: 0x2n << 124n, bits: 3 },
      { base: 0xfe80n << 112n, bits: 10 },
      { base: 0x20010db8n << 96n, bits: 32 },
      { base: 0x20010db8aan << 88n, bits: 40 },
    ];
    const clustered = fc
      .tuple(
        fc.constantFrom(...prefixes),
        fc.bigInt({ min: 0n, max: MAX }),
        fc.oneof(fc.bigInt({ min: 0n, max: 1n << 80n }), fc.bigInt({ min: 0n, max: 1n << 120n })),
      )
      .map(([p, offset, span]) => {
        const room = p.bits === 0 ? MAX : (1n << BigInt(128 - p.bits)) - 1n;
        const first = p.base + (offset & room);
        const top = p.base + room;
        return { first, last: first + span > top ? top : first + span };
      });
    fc.assert(
      fc.property(
        fc.constantFrom(...prefixes),
        fc.array(fc.tuple(clustered, fc.nat(3)), { minLength: 32, maxLength: 300 }),
        fc.boolean(),
        fc.array(fc.bigInt({ min: 0n, max: MAX }), { minLength: 200, maxLength: 200 }),
        (prefix, raw, withV4, probes) => {
          // Keep every range under the chosen prefix (the shared bits), or let them spread (bits 0).
          const room = prefix.bits === 0 ? MAX : (1n << BigInt(128 - prefix.bits)) - 1n;
          const ranges = raw.map(([r, label]) => {
            const first = prefix.base + (r.first & room);
            const last =
              first + (r.last - r.first) > prefix.base + room
                ? prefix.base + room
                : first + (r.last - r.first);
            return { first, last, label };
          });
          const arena = new RangeArena(8);
          arena.add([], [{ first: 1n, last: 2n, label: 0 }]); // a neighbour, so refs are not all 0
          const v4 = withV4
            ? Array.from({ length: 40 }, (_, i) => ({ first: i * 1000, last: i * 1000 + 9, label: 0 }))
            : [];
          const compiled = compileRanges(ranges, 1n);
          const ref = arena.add(v4, compiled);
          const step = 1n << BigInt(Math.max(0, 128 - prefix.bits - 8));
          const edges = Array.from({ length: 256 }, (_, b) => prefix.base + BigInt(b) * step);
          const outside = [prefix.base - 1n, prefix.base + room + 1n];
          const near = ranges.flatMap((r) => [r.first - 1n, r.first, r.last, r.last + 1n]);
          const inside = probes.map((x) => prefix.base + (x & room));
          for (const x of [
            ...probes,
            ...inside,
            ...edges,
            ...edges.map((e) => e - 1n),
            ...outside,
            ...near,
          ]) {
            if (x < 0n || x > MAX) continue;
            assert.equal(
              arena.matchV6(ref, Uint32Array.from(wordsOf(x))),
              lowestLabel(ranges, x),
              `IPv6 ${x.toString(16)} in ${compiled.length} segments under /${prefix.bits}`,
            );
          }
          if (withV4) assert.equal(arena.matchV4(ref, 39_005), 0, 'IPv4 before a bucketed IPv6 part');
          // Compaction moves the set with its index.
          const other = arena.add([], [{ first: 3n, last: 4n, label: 1 }]);
          arena.release(other);
          let moved = ref;
          arena.compact((move) => {
            moved = move(ref);
          });
          for (const x of [...near, ...edges]) {
            if (x < 0n || x > MAX) continue;
            assert.equal(arena.matchV6(moved, Uint32Array.from(wordsOf(x))), lowestLabel(ranges, x));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test('compaction keeps live sets intact and drops released ones', () => {
    const arena = new RangeArena(4);
    const refs = new Map<number, number>();
    for (let i = 0; i < 200; i++) {
      refs.set(i, arena.add([{ first: i * 10, last: i * 10 + 5, label: i % 3 }], []));
    }
    for (let i = 0; i < 200; i += 2) {
      arena.release(refs.get(i)!);
      refs.delete(i);
    }
    const before = arena.usedWords;
    arena.compact((move) => {
      for (const [i, ref] of refs) refs.set(i, move(ref));
    });
    assert.ok(arena.usedWords < before);
    assert.equal(arena.garbageWords, 0);
    for (const [i, ref] of refs) {
      assert.equal(arena.matchV4(ref, i * 10 + 3), i % 3);
      assert.equal(arena.matchV4(ref, i * 10 + 6), -1);
    }
  });

  test('an empty family never matches', () => {
    const arena = new RangeArena();
    const ref = arena.add([], [{ first: 0n, last: (1n << 128n) - 1n, label: 0 }]);
    assert.equal(arena.matchV4(ref, 0), -1);
    assert.equal(scanAddress('::1', 0, 3, out), 6);
    assert.equal(arena.matchV6(ref, out), 0);
  });
});
