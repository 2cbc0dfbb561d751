import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DecisionIndex } from '../../src/policy/decision-index.js';
import { clientAddress, type GeneratedAddress, v4Text, v6Text } from '../support/address-arbitraries.js';
import {
  type GeneratedStatement,
  generatedStatement,
  toPolicy,
  VPCS,
} from '../support/policy-arbitraries.js';

const statement = generatedStatement(25);

/** The reference decision: the first statement, in order, whose kind, VPC and range match. */
function reference(
  statements: readonly GeneratedStatement[],
  client: GeneratedAddress,
  vpc?: string,
): number {
  return statements.findIndex(
    (s) =>
      (vpc === undefined
        ? s.type === 'ClassicWhiteList'
        : s.type === 'VPCWhiteList' && (s.vpc === vpc || s.vpc === 'AllowAllVPC')) &&
      s.entries.some((e) => e.family === client.family && e.first <= client.value && client.value <= e.last),
  );
}

/** Addresses on and just beside every entry's bounds, where off-by-one mistakes live. */
function boundaryClients(statements: readonly GeneratedStatement[]): GeneratedAddress[] {
  const out: GeneratedAddress[] = [];
  for (const s of statements) {
    for (const e of s.entries) {
      const max = e.family === 4 ? 0xffffffffn : (1n << 128n) - 1n;
      for (const value of [e.first - 1n, e.first, e.last, e.last + 1n]) {
        if (value < 0n || value > max) continue;
        if (e.family === 6 && value >> 32n === 0xffffn) continue; // that is an IPv4 client
        out.push({ family: e.family, value, text: e.family === 4 ? v4Text(value) : v6Text(value) });
      }
    }
  }
  return out;
}

test('decide agrees with a BigInt reference on 100,000+ random addresses and policies', () => {
  let checked = 0;
  fc.assert(
    fc.property(
      fc.array(statement, { maxLength: 8 }),
      fc.array(clientAddress, { minLength: 150, maxLength: 150 }),
      fc.constantFrom(undefined, ...VPCS.slice(0, 2), 'vpc-zzz'),
      (statements, randomClients, vpc) => {
        const index = new DecisionIndex();
        index.setKey('LTAIkey', '1000000000000001', toPolicy(statements), 3);
        const credential = { accessKeyId: 'LTAIkey', temporary: false };
        for (const client of [...randomClients, ...boundaryClients(statements)]) {
          const expected = reference(statements, client, vpc);
          const d = index.decide(credential, { ip: client.text, vpcId: vpc }, 'ecs');
          assert.equal(d.statement, expected, `${client.text} vpc=${vpc}`);
          assert.equal(d.allowed, expected >= 0);
          checked++;
        }
      },
    ),
    { numRuns: 600 },
  );
  assert.ok(checked >= 100_000, `only ${checked} decisions checked`);
});
