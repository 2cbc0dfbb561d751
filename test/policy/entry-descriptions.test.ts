/**
 * Entry descriptions and parked entries (src/policy/entry-metadata.ts, parse-entry-descriptions.ts):
 * the `EntryDescriptions` parameter checked against its policy, the stored form, and what a Set
 * that says nothing of them keeps.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  type CanonicalEntryMetadataJson,
  carryEntryMetadata,
  decodeEntryMetadata,
  type EntryMetadata,
} from '../../src/policy/entry-metadata.js';
import { parseEntryDescriptions } from '../../src/policy/parse-entry-descriptions.js';
import type { AccessKeyPolicy, PolicyStatement } from '../../src/policy/policy-document.js';
import { DEFAULT_POLICY_LIMITS } from '../../src/policy/policy-limits.js';

const policy: AccessKeyPolicy = {
  Version: 1,
  Status: 'Active',
  Statements: [
    { Type: 'ClassicWhiteList', IPList: ['192.0.2.0/24', '203.0.113.7'] },
    { Type: 'VPCWhiteList', Value: 'vpc-aaa', IPList: ['10.0.0.0/8'] },
  ],
};

const parse = (value: unknown) =>
  parseEntryDescriptions(JSON.stringify(value), policy, DEFAULT_POLICY_LIMITS);

function fault(value: unknown): [string, number | null] {
  const result = parse(value);
  assert.ok(!result.ok, JSON.stringify(value));
  return [result.error.fault, result.error.index];
}

describe('EntryDescriptions', () => {
  test('entries are canonicalised, stored sorted, and those saying nothing left out', () => {
    const result = parse([
      { StatementType: 'VPCWhiteList', VpcId: 'vpc-aaa', Entry: '10.1.2.3/8', Description: 'office VPC' },
      { StatementType: 'ClassicWhiteList', Entry: '::ffff:203.0.113.7', Description: 'CI runner' },
      { StatementType: 'ClassicWhiteList', Entry: '192.0.2.0/24', Description: '' },
      {
        StatementType: 'ClassicWhiteList',
        Entry: '198.51.100.0/24',
        Parked: true,
        Description: 'old office',
      },
      { StatementType: 'VPCWhiteList', VpcId: 'vpc-bbb', Entry: '172.16.0.0/12', Parked: true },
    ]);
    assert.ok(result.ok);
    assert.deepEqual(decodeEntryMetadata(result.value), [
      {
        StatementType: 'ClassicWhiteList',
        Entry: '198.51.100.0/24',
        Description: 'old office',
        Parked: true,
      },
      { StatementType: 'ClassicWhiteList', Entry: '203.0.113.7', Description: 'CI runner' },
      { StatementType: 'VPCWhiteList', VpcId: 'vpc-aaa', Entry: '10.0.0.0/8', Description: 'office VPC' },
      { StatementType: 'VPCWhiteList', VpcId: 'vpc-bbb', Entry: '172.16.0.0/12', Parked: true },
    ]);
    const none = parse([]);
    assert.ok(none.ok && none.value === null);
  });

  test('every refusal has its code and names the element', () => {
    assert.deepEqual(fault('x'), ['Malformed', null]);
    assert.deepEqual(
      (() => {
        const r = parseEntryDescriptions('{', policy, DEFAULT_POLICY_LIMITS);
        return r.ok ? null : r.error.fault;
      })(),
      'Malformed',
    );
    const classic = { StatementType: 'ClassicWhiteList', Entry: '192.0.2.0/24' };
    assert.deepEqual(fault([classic, 'x']), ['Malformed', 1]);
    assert.deepEqual(fault([{ ...classic, Note: 'x' }]), ['Malformed', 0]);
    assert.deepEqual(fault([{ ...classic, StatementType: 'classicwhitelist' }]), ['Malformed', 0]);
    assert.deepEqual(fault([{ ...classic, VpcId: 'vpc-aaa' }]), ['Malformed', 0]);
    assert.deepEqual(fault([{ ...classic, StatementType: 'VPCWhiteList' }]), ['Malformed', 0]);
    assert.deepEqual(fault([{ ...classic, StatementType: 'VPCWhiteList', VpcId: 'VPC-AAA' }]), [
      'Malformed',
      0,
    ]);
    assert.deepEqual(fault([{ ...classic, Entry: 5 }]), ['Malformed', 0]);
    assert.deepEqual(fault([{ ...classic, Parked: 'true' }]), ['Malformed', 0]);
    assert.deepEqual(fault([{ ...classic, Description: 7 }]), ['Malformed', 0]);
    assert.deepEqual(fault([{ ...classic, Entry: '127.1', Description: 'x' }]), ['Entry', 0]);
    assert.deepEqual(fault([{ ...classic, Description: 'x'.repeat(257) }]), ['Description', 0]);
    assert.deepEqual(fault([{ ...classic, Description: 'two\nlines' }]), ['Description', 0]);
    assert.deepEqual(fault([{ ...classic, Description: 'bell\u0007' }]), ['Description', 0]);
    assert.deepEqual(
      fault([
        { ...classic, Description: 'a' },
        { ...classic, Entry: '192.0.2.9/24', Description: 'b' },
      ]),
      ['Duplicate', 1],
    );
    assert.deepEqual(fault([{ ...classic, Entry: '198.51.100.1', Description: 'x' }]), ['NotInPolicy', 0]);
    // In the document, but in another statement.
    assert.deepEqual(
      fault([{ StatementType: 'VPCWhiteList', VpcId: 'vpc-bbb', Entry: '10.0.0.0/8', Description: 'x' }]),
      ['NotInPolicy', 0],
    );
    assert.deepEqual(fault([{ ...classic, Parked: true }]), ['ParkedInPolicy', 0]);
    const many = Array.from({ length: 401 }, (_, i) => ({
      StatementType: 'ClassicWhiteList',
      Entry: `10.${i >> 8}.${i & 255}.0/24`,
      Parked: true,
    }));
    assert.deepEqual(fault(many), ['TooManyParked', 400]);
    // 256 characters (code points) is the limit, whatever their UTF-16 length.
    assert.ok(parse([{ ...classic, Description: '😀'.repeat(256) }]).ok);
  });
});

// Statements over a small pool of entries, so that the documents before and after share some.
const POOL = Array.from({ length: 12 }, (_, i) => `198.51.${i}.0/24`);
const STATEMENTS = [
  { StatementType: 'ClassicWhiteList' as const },
  { StatementType: 'VPCWhiteList' as const, VpcId: 'vpc-aaa' },
];

function toDocument(members: readonly (readonly boolean[])[]): AccessKeyPolicy {
  const statements = STATEMENTS.flatMap((s, k): PolicyStatement[] => {
    const ipList = POOL.filter((_, i) => members[k]![i]);
    if (ipList.length === 0) return [];
    return s.StatementType === 'ClassicWhiteList'
      ? [{ Type: 'ClassicWhiteList' as const, IPList: ipList }]
      : [{ Type: 'VPCWhiteList' as const, Value: s.VpcId!, IPList: ipList }];
  });
  return { Version: 1, Status: 'Active', Statements: statements };
}

const membership = fc.array(fc.array(fc.boolean(), { minLength: POOL.length, maxLength: POOL.length }), {
  minLength: 2,
  maxLength: 2,
});

describe('a Set without EntryDescriptions', () => {
  test('keeps exactly the descriptions of the surviving entries, and the parked entries', () => {
    fc.assert(
      fc.property(
        membership,
        membership,
        fc.array(
          fc.array(fc.constantFrom('none', 'described', 'parked', 'parked+described'), {
            minLength: POOL.length,
            maxLength: POOL.length,
          }),
          { minLength: 2, maxLength: 2 },
        ),
        (before, after, marks) => {
          const previous: EntryMetadata[] = [];
          STATEMENTS.forEach((s, k) => {
            POOL.forEach((entry, i) => {
              const mark = marks[k]![i]!;
              const inBefore = before[k]![i]!;
              const description = `d${k}-${i}`;
              if (mark === 'described' && inBefore)
                previous.push({ ...s, Entry: entry, Description: description });
              if (mark.startsWith('parked') && !inBefore) {
                previous.push({
                  ...s,
                  Entry: entry,
                  Parked: true,
                  ...(mark === 'parked+described' ? { Description: description } : {}),
                });
              }
            });
          });
          const stored = JSON.stringify(previous) as CanonicalEntryMetadataJson;
          const carried = decodeEntryMetadata(carryEntryMetadata(stored, toDocument(after)));
          const expected = new Map<string, string>();
          STATEMENTS.forEach((_, k) => {
            POOL.forEach((_, i) => {
              const mark = marks[k]![i]!;
              const [inBefore, inAfter] = [before[k]![i]!, after[k]![i]!];
              if (mark === 'described' && inBefore && inAfter) expected.set(`${k} ${i}`, 'described');
              if (mark.startsWith('parked') && !inBefore) {
                if (!inAfter) expected.set(`${k} ${i}`, mark);
                else if (mark === 'parked+described') expected.set(`${k} ${i}`, 'described');
              }
            });
          });
          const got = new Map(
            carried.map((m) => {
              const k = m.StatementType === 'ClassicWhiteList' ? 0 : 1;
              const i = POOL.indexOf(m.Entry);
              if (m.Description !== undefined) assert.equal(m.Description, `d${k}-${i}`);
              const mark = m.Parked
                ? m.Description === undefined
                  ? 'parked'
                  : 'parked+described'
                : 'described';
              return [`${k} ${i}`, mark] as const;
            }),
          );
          assert.deepEqual(got, expected);
          // What is kept is consistent with the new document, as a Set with it would check.
          const recheck = parseEntryDescriptions(
            JSON.stringify(carried),
            toDocument(after),
            DEFAULT_POLICY_LIMITS,
          );
          assert.ok(recheck.ok);
        },
      ),
      { numRuns: 300 },
    );
  });
});
