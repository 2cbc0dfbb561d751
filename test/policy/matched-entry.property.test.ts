/**
 * The matched entry, worked out off the decision path, against a brute force over BigInt ranges:
 * the first statement allowing the source (as DecisionIndex names it), then its first entry
 * containing the address; IPv4-mapped clients as IPv4; an Inactive policy as if Active.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DecisionIndex } from '../../src/policy/decision-index.js';
import { entryMatcher, matchedEntry } from '../../src/policy/matched-entry.js';
import type { AccessKeyPolicy } from '../../src/policy/policy-document.js';
import {
  clientAddress,
  type GeneratedAddress,
  type GeneratedEntry,
  v4Text,
  v6Text,
} from '../support/address-arbitraries.js';
import { type GeneratedStatement, generatedStatement, toPolicy } from '../support/policy-arbitraries.js';

const statement = generatedStatement(12);

const contains = (e: GeneratedEntry, client: GeneratedAddress) =>
  e.family === client.family && e.first <= client.value && client.value <= e.last;

function bruteForce(
  statements: readonly GeneratedStatement[],
  client: GeneratedAddress,
  vpc: string | undefined,
): { statement: number; entry: number } | null {
  for (let s = 0; s < statements.length; s++) {
    const st = statements[s]!;
    const kind =
      vpc === undefined
        ? st.type === 'ClassicWhiteList'
        : st.type === 'VPCWhiteList' && (st.vpc === vpc || st.vpc === 'AllowAllVPC');
    if (!kind) continue;
    const entry = st.entries.findIndex((e) => contains(e, client));
    if (entry >= 0) return { statement: s, entry };
  }
  return null;
}

test('entryMatcher names the statement DecisionIndex decides and its first entry containing the source', () => {
  fc.assert(
    fc.property(
      fc.array(statement, { maxLength: 8 }),
      fc.array(clientAddress, { minLength: 20, maxLength: 20 }),
      fc.constantFrom(undefined, 'vpc-aaa', 'vpc-bbb', 'vpc-zzz'),
      fc.constantFrom('Active' as const, 'Inactive' as const),
      (statements, randomClients, vpc, status) => {
        const policy = toPolicy(statements, status);
        const match = entryMatcher(policy);
        const index = new DecisionIndex();
        index.setKey('LTAIkey', '1000000000000001', { ...policy, Status: 'Active' }, 1);
        // Clients inside the entries too, so that overlaps between statements are exercised.
        const inside = statements.flatMap((s) =>
          s.entries.map((e) => randomClients.find((c) => contains(e, c)) ?? entryClient(e)),
        );
        for (const client of [...randomClients, ...inside]) {
          const source = { ip: client.text, vpcId: vpc };
          const expected = bruteForce(statements, client, vpc);
          assert.deepEqual(match(source), expected, `${client.text} vpc=${vpc}`);
          const decided = index.decide({ accessKeyId: 'LTAIkey', temporary: false }, source, '');
          assert.equal(decided.statement, expected?.statement ?? -1);
          for (let s = 0; s < statements.length; s++) {
            const entry = statements[s]!.entries.findIndex((e) => contains(e, client));
            assert.equal(matchedEntry(policy, s, client.text), entry);
          }
        }
      },
    ),
    { numRuns: 300 },
  );
});

/** The entry's first address as a client. */
function entryClient(e: GeneratedEntry): GeneratedAddress {
  return { text: e.family === 4 ? v4Text(e.first) : v6Text(e.first), family: e.family, value: e.first };
}

test('matchedEntry: an unknown statement or an address that does not parse matches nothing', () => {
  const policy: AccessKeyPolicy = {
    Version: 1,
    Status: 'Active',
    Statements: [
      { Type: 'ClassicWhiteList', IPList: ['10.0.0.0/8', '::ffff:10.1.0.0/112', '2001:db8::/32'] },
    ],
  };
  assert.equal(matchedEntry(policy, 0, '10.1.0.9'), 0);
  assert.equal(matchedEntry(policy, 0, '::ffff:10.1.0.9'), 0);
  assert.equal(matchedEntry(policy, 0, '2001:db8::1'), 2);
  assert.equal(matchedEntry(policy, 0, '2001:db9::1'), -1);
  assert.equal(matchedEntry(policy, 1, '10.1.0.9'), -1);
  assert.equal(matchedEntry(policy, 0, 'not-an-address'), -1);
  assert.equal(matchedEntry(policy, 0, ''), -1);
});
