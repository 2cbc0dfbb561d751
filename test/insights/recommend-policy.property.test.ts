import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { AggregationBound } from '../../src/insights/cidr-ceiling.js';
import type { ObservedSource } from '../../src/insights/recommend-input.js';
import { recommendPolicy } from '../../src/insights/recommend-policy.js';
import type { Recommendation } from '../../src/insights/recommendation.js';
import { formatAddress, parseAddress } from '../../src/net/address.js';
import { parseCidr } from '../../src/net/cidr.js';
import { formatIPv4 } from '../../src/net/ipv4.js';
import { formatIPv6 } from '../../src/net/ipv6.js';
import { rangeContains, rangesOverlap, toEntryRange } from '../../src/policy/entry-range.js';
import { lintPolicy } from '../../src/policy/lint-policy.js';
import { parsePolicy } from '../../src/policy/parse-policy.js';
import type { PolicyLimits } from '../../src/policy/policy-limits.js';
import { serializePolicy } from '../../src/policy/serialize-policy.js';
import { SPECIAL_RANGES } from '../../src/policy/special-ranges.js';

// Addresses clustered in a few blocks, so that aggregation has neighbours to merge, with private,
// special and IPv4-mapped ones among them.
const ipv4 = fc
  .tuple(
    fc.constantFrom(0xcb007100, 0xc6336400, 0x08080800, 0x0a000000, 0xc0a80000, 0x64400000, 0x7f000000, 0),
    fc.integer({ min: 0, max: 0x3ffff }),
  )
  .map(([base, low]) => formatIPv4((base + low) >>> 0));
const ipv6 = fc
  .tuple(
    fc.constantFrom([0x20010db8, 0], [0x24008000, 0x10], [0xfe800000, 0], [0, 0]),
    fc.integer({ min: 0, max: 0xffff }),
    fc.integer({ min: 0, max: 0xffffffff }),
  )
  .map(([[a, b], c, d]) => formatIPv6([a!, b!, c, d]));
const sourceIp = fc.oneof(
  { weight: 6, arbitrary: ipv4 },
  { weight: 3, arbitrary: ipv6 },
  { weight: 1, arbitrary: ipv4.map((text) => `::ffff:${text}`) },
  { weight: 1, arbitrary: fc.constantFrom('::', '::1', 'not-an-address') },
);
const source: fc.Arbitrary<ObservedSource> = fc.record({
  sourceIp,
  vpcId: fc.oneof(
    { weight: 4, arbitrary: fc.constant(null) },
    { weight: 3, arbitrary: fc.constantFrom('vpc-a1', 'vpc-b2', 'vpc-c3', 'vpc-d4') },
    { weight: 1, arbitrary: fc.constant('VPC-Upper') },
  ),
  calls: fc.integer({ min: 0, max: 1000 }),
  lastSeen: fc.integer({ min: 1_700_000_000, max: 1_800_000_000 }).map((s) => new Date(s * 1000)),
});
const limits: fc.Arbitrary<PolicyLimits> = fc.record({
  maxStatements: fc.integer({ min: 1, max: 8 }),
  maxClassicStatements: fc.integer({ min: 1, max: 2 }),
  maxEntriesPerStatement: fc.integer({ min: 1, max: 50 }),
  maxDocumentBytes: fc.constantFrom(64 * 1024, 2048, 400),
});
const bound: fc.Arbitrary<AggregationBound> = fc.record({
  v4: fc.constantFrom(8, 16, 24, 32),
  v6: fc.constantFrom(32, 48, 64, 128),
});
const input = fc.record({
  sources: fc.array(source, { maxLength: 120 }),
  coverage: fc.integer({ min: 1, max: 100 }),
  minCalls: fc.integer({ min: 1, max: 50 }),
  limits,
  bound,
});

// Many sources in a few /24s and few entries: blocks aggregated over sources left out for
// MinCalls or Coverage.
const crowded = fc.record({
  sources: fc.array(
    fc.record({
      sourceIp: fc
        .tuple(fc.constantFrom(0xcb007100, 0xc6336400), fc.nat(0xff))
        .map(([base, low]) => formatIPv4(base + low)),
      vpcId: fc.constantFrom(null, 'vpc-a1'),
      calls: fc.integer({ min: 1, max: 100 }),
      lastSeen: fc.constant(new Date('2026-12-01T00:00:00Z')),
    }),
    { minLength: 4, maxLength: 60 },
  ),
  coverage: fc.integer({ min: 1, max: 100 }),
  minCalls: fc.integer({ min: 1, max: 50 }),
  limits: fc.record({
    maxStatements: fc.constant(8),
    maxClassicStatements: fc.constant(1),
    maxEntriesPerStatement: fc.integer({ min: 1, max: 4 }),
    maxDocumentBytes: fc.constant(64 * 1024),
  }),
  bound: fc.constant({ v4: 16, v6: 48 }),
});

type Input = typeof input extends fc.Arbitrary<infer T> ? T : never;

const run = (i: Input) => recommendPolicy(i.sources, i);

/** The recommendation as text, addresses counts included, to compare runs byte for byte. */
const textOf = (r: Recommendation) => JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? v.toString() : v));

describe('recommendPolicy (properties)', () => {
  it('drafts a policy SetAccessKeyPolicy accepts, within the limits and without a warning', () => {
    fc.assert(
      fc.property(input, (i) => {
        const { policy } = run(i);
        const parsed = parsePolicy(serializePolicy(policy), i.limits);
        assert.ok(parsed.ok, JSON.stringify(parsed));
        assert.deepEqual(parsed.warnings, []);
        assert.deepEqual(lintPolicy(parsed.policy), []);
        assert.equal(parsed.canonical, serializePolicy(policy));
      }),
      { numRuns: 300 },
    );
  });

  it('covers the share asked for unless what is left out was left out for a reason other than coverage', () => {
    fc.assert(
      fc.property(input, (i) => {
        const r = run(i);
        const total = i.sources.reduce((sum, s) => sum + s.calls, 0);
        assert.equal(r.totalCalls, total);
        assert.equal(r.coveredCalls + r.uncovered.reduce((sum, u) => sum + u.calls, 0), total);
        assert.equal(
          r.coveredCalls,
          r.entries.reduce((sum, e) => sum + e.calls, 0),
        );
        if (r.coveredCalls < Math.ceil((total * i.coverage) / 100)) {
          assert.ok(r.uncovered.every((u) => u.reason !== 'BeyondCoverage'));
        }
        for (const u of r.uncovered) if (u.reason !== 'BelowMinCalls') assert.ok(u.calls >= i.minCalls);
        for (const u of r.uncovered) if (u.reason === 'BelowMinCalls') assert.ok(u.calls < i.minCalls);
      }),
      { numRuns: 300 },
    );
  });

  it('covers every source it claims inside the entry claimed for it, no entry wider than the bound', () => {
    fc.assert(
      fc.property(input, (i) => {
        const r = run(i);
        const covered = new Set<string>();
        for (const e of r.entries) {
          const statement = r.policy.Statements[e.statement]!;
          assert.ok(statement.IPList.includes(e.entry));
          const block = parseCidr(e.entry);
          assert.ok(block.ok);
          const widest = block.value.family === 4 ? i.bound.v4 : i.bound.v6;
          assert.ok(block.value.prefix >= widest, `${e.entry} is wider than /${widest}`);
          assert.ok(e.sources.length > 0);
          assert.equal(e.addresses, 1n << BigInt((block.value.family === 4 ? 32 : 128) - block.value.prefix));
          const vpcId = statement.Type === 'VPCWhiteList' ? statement.Value : '';
          for (const ip of e.sources) {
            const address = parseCidr(ip);
            assert.ok(address.ok);
            assert.ok(
              rangeContains(toEntryRange(block.value), toEntryRange(address.value)),
              `${ip} not in ${e.entry}`,
            );
            assert.ok(!covered.has(`${ip} ${vpcId}`));
            covered.add(`${ip} ${vpcId}`);
          }
        }
        assert.equal(
          r.entries.length,
          r.policy.Statements.reduce((n, s) => n + s.IPList.length, 0),
        );
        for (const u of r.uncovered) assert.ok(!covered.has(`${canonical(u.sourceIp)} ${u.vpcId ?? ''}`));
      }),
      { numRuns: 300 },
    );
  });

  it('never says a source is left out when an entry of its statement lets it in', () => {
    fc.assert(
      fc.property(fc.oneof(input, crowded), (i) => {
        const { policy, uncovered } = run(i);
        for (const u of uncovered) {
          const address = parseCidr(u.sourceIp);
          if (!address.ok) continue;
          const statement = policy.Statements.find((s) =>
            u.vpcId === null
              ? s.Type === 'ClassicWhiteList'
              : s.Type === 'VPCWhiteList' && s.Value === u.vpcId,
          );
          for (const entry of statement?.IPList ?? []) {
            const block = parseCidr(entry);
            assert.ok(block.ok);
            assert.ok(
              !rangeContains(toEntryRange(block.value), toEntryRange(address.value)),
              `${u.sourceIp} (${u.reason}) is inside ${entry}`,
            );
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never lists a private or special range in the public statement', () => {
    fc.assert(
      fc.property(input, (i) => {
        for (const statement of run(i).policy.Statements) {
          if (statement.Type !== 'ClassicWhiteList') continue;
          for (const entry of statement.IPList) {
            const block = parseCidr(entry);
            assert.ok(block.ok);
            assert.ok(!SPECIAL_RANGES.some((s) => rangesOverlap(s.range, toEntryRange(block.value))), entry);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same recommendation for the same sources in any order', () => {
    fc.assert(
      fc.property(
        input.chain((i) =>
          fc.tuple(fc.constant(i), fc.shuffledSubarray(i.sources, { minLength: i.sources.length })),
        ),
        ([i, shuffled]) => {
          assert.equal(textOf(run({ ...i, sources: shuffled })), textOf(run(i)));
        },
      ),
      { numRuns: 200 },
    );
  });
});

function canonical(ip: string): string {
  const parsed = parseAddress(ip);
  return parsed.ok ? formatAddress(parsed.value) : ip;
}
