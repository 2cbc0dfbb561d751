/**
 * Once warm, a decision allocates nothing: no garbage per request on a node deciding millions of
 * them. Measured as used-heap growth over runs of decisions (a run during which a GC happened
 * shrinks the heap and is skipped). Before TurboFan compiles the path the interpreter boxes
 * numbers, so the test warms it up and takes the smallest growth of several runs: code that
 * allocates once optimised allocates in every run.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getHeapStatistics } from 'node:v8';
import type { Credential, Source } from '../../src/policy/decision.js';
import { DecisionIndex } from '../../src/policy/decision-index.js';
import { classic, policy, vpc } from './policy-builders.js';

const ACCOUNT = '1234567890123456';
const RUN = 20_000;

/** A deterministic stream of 32-bit numbers (xorshift), so every run decides the same things. */
function numbers(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

const hex = (n: number) => (n & 0xffff).toString(16);
const ipv4 = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
const ipv6 = (next: () => number) =>
  Array.from({ length: 8 }, (_, k) => hex(k === 0 ? 0x2000 | next() : next())).join(':');

interface Query {
  readonly credential: Credential;
  readonly source: Source;
}

function workload(): { index: DecisionIndex; queries: Query[] } {
  const next = numbers(2_024_061);
  const index = new DecisionIndex({ exemptServices: ['mns'] });
  // Distinct canonical entries: /16 or /24 networks, and /64s without zero groups.
  const v4 = (count: number, prefix: number) => [
    ...new Set(
      Array.from({ length: count }, () => `${ipv4(next() & ~((1 << (32 - prefix)) - 1))}/${prefix}`),
    ),
  ];
  const v6 = (count: number) => [
    ...new Set(
      Array.from({ length: count }, () => {
        const groups = Array.from({ length: 4 }, (_, k) => hex(k === 0 ? 0x2000 | next() : next() | 1));
        return `${groups.join(':')}::/64`;
      }),
    ),
  ];
  index.setAccountPolicy(ACCOUNT, policy('Active', classic(...v4(50, 16), ...v6(50))), 1);
  const keys: string[] = [];
  for (let k = 0; k < 200; k++) {
    const id = `LTAI5tAllocation${String(k).padStart(8, '0')}`;
    keys.push(id);
    // A few keys have their own small policy, with a VPC statement; the rest fall back.
    const own =
      k % 10 === 0 ? policy('Active', classic(...v4(5, 24), ...v6(5)), vpc('vpc-a1', ...v4(5, 24))) : null;
    index.setKey(id, ACCOUNT, own, k + 2);
  }
  const queries: Query[] = [];
  for (let q = 0; q < 4096; q++) {
    const n = next();
    const forms = [
      ipv4(n),
      ipv6(next),
      `::ffff:${ipv4(n)}`,
      `::ffff:${hex(n >>> 16)}:${hex(n)}`,
      'not an address',
    ];
    const ip = forms[q % forms.length]!;
    const source: Source = q % 7 === 0 ? { ip, vpcId: 'vpc-a1' } : { ip };
    queries.push({ credential: { accessKeyId: `${keys[q % keys.length]}`, temporary: false }, source });
  }
  return { index, queries };
}

function run(index: DecisionIndex, queries: readonly Query[], count: number): number {
  let allowed = 0;
  for (let i = 0; i < count; i++) {
    const q = queries[i % queries.length]!;
    if (index.decide(q.credential, q.source, 'ecs').allowed) allowed++;
  }
  return allowed;
}

test('a warm decision allocates nothing (IPv4, IPv6, IPv4-mapped, invalid, VPC sources)', () => {
  const { index, queries } = workload();
  let sink = 0;
  for (let i = 0; i < 100; i++) sink += run(index, queries, RUN);
  const growth: number[] = [];
  for (let r = 0; r < 15; r++) {
    const before = getHeapStatistics().used_heap_size;
    sink += run(index, queries, RUN);
    const after = getHeapStatistics().used_heap_size;
    if (after >= before) growth.push((after - before) / RUN);
  }
  assert.ok(sink > 0, 'some decisions allow');
  assert.ok(growth.length > 0, 'every run was cut by a GC');
  const least = Math.min(...growth);
  assert.ok(least < 0.5, `a decision allocates about ${least.toFixed(1)} bytes`);
});
