import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type SimulatedTraffic, simulatePolicy } from '../../src/insights/simulate-policy.js';
import { DecisionIndex } from '../../src/policy/decision-index.js';
import type { AccessKeyPolicy } from '../../src/policy/policy-document.js';

const classic = (...ips: string[]): AccessKeyPolicy => ({
  Version: 1,
  Status: 'Active',
  Statements: [{ Type: 'ClassicWhiteList', IPList: ips }],
});

function row(
  sourceIp: string,
  allowed: number,
  denied: number,
  services: [string, number][] = [],
): SimulatedTraffic {
  return {
    accessKeyId: 'LTAIkey1',
    sourceIp,
    vpcId: null,
    allowed,
    denied,
    failed: 0,
    lastSeen: new Date('2026-05-01T00:00:00Z'),
    services: new Map(services),
    otherServices: 0,
  };
}

const current = new DecisionIndex({ exemptServices: ['mns'] });
current.setAccountPolicy('acct', classic('203.0.113.0/24'), 1);
current.setKey('LTAIkey1', 'acct', null, 1);

const traffic = [
  row('203.0.113.1', 5, 0, [['ecs', 5]]),
  row('203.0.113.2', 50, 0, [
    ['ecs', 30],
    ['mns', 20],
  ]),
  row('198.51.100.1', 0, 7, [['oss', 7]]),
  row('198.51.100.2', 0, 70, [['oss', 70]]),
  row('192.0.2.1', 0, 1),
];

const simulate = (rows: readonly SimulatedTraffic[], maxSources: number) =>
  simulatePolicy({
    scope: { kind: 'account' },
    candidate: classic('198.51.100.0/24'),
    current,
    keys: ['LTAIkey1'],
    traffic: rows,
    exemptServices: ['mns'],
    maxSources,
  });

test('the cap keeps the sources with the most calls and says it was reached', async () => {
  const result = await simulate(traffic, 2);
  assert.equal(result.truncated, true);
  assert.equal(result.scannedSources, 2);
  const [key] = result.keys;
  assert.deepEqual(
    key?.newlyAllowed.map((c) => [c.sourceIp, c.calls]),
    [['198.51.100.2', 70]],
  );
  // An exempt service's calls are never denied: 50 allowed less mns's 20.
  assert.deepEqual(
    key?.newlyDenied.map((c) => [c.sourceIp, c.calls, c.services]),
    [['203.0.113.2', 30, ['ecs']]],
  );
});

test('the answer does not depend on the order of the traffic', async () => {
  const all = await simulate(traffic, 10);
  assert.equal(all.truncated, false);
  assert.equal(all.newlyDeniedCalls, 35);
  assert.equal(all.newlyAllowedCalls, 77);
  assert.deepEqual(await simulate([...traffic].reverse(), 10), all);
  assert.deepEqual(await simulate([...traffic].reverse(), 3), await simulate(traffic, 3));
});

test('a source decided otherwise counts every call an ACL decided, as the policy then decided it or not', async () => {
  // Recorded under an earlier policy: some calls from each source were allowed, some denied.
  const result = await simulate(
    [
      row('203.0.113.7', 3, 8, [
        ['ecs', 9],
        ['mns', 2],
      ]),
      row('198.51.100.9', 4, 6, [['oss', 10]]),
    ],
    10,
  );
  const [key] = result.keys;
  // Allowed now, denied by the candidate: all 11 less mns's 2.
  assert.deepEqual(
    key?.newlyDenied.map((c) => [c.sourceIp, c.calls]),
    [['203.0.113.7', 9]],
  );
  // Denied now, allowed by the candidate: the 4 calls allowed then would be denied now too.
  assert.deepEqual(
    key?.newlyAllowed.map((c) => [c.sourceIp, c.calls]),
    [['198.51.100.9', 10]],
  );
  assert.equal(result.newlyDeniedCalls, 9);
  assert.equal(result.newlyAllowedCalls, 10);
});
