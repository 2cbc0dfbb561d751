import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObservedSource, RecommendOptions } from '../../src/insights/recommend-input.js';
import { recommendPolicy } from '../../src/insights/recommend-policy.js';
import { DEFAULT_POLICY_LIMITS } from '../../src/policy/policy-limits.js';

const at = new Date('2026-12-01T00:00:00Z');
const seen = (sourceIp: string, calls: number, vpcId: string | null = null): ObservedSource => ({
  sourceIp,
  vpcId,
  calls,
  lastSeen: at,
});
const options: RecommendOptions = {
  coverage: 100,
  minCalls: 1,
  limits: DEFAULT_POLICY_LIMITS,
  bound: { v4: 16, v6: 48 },
};

describe('recommendPolicy', () => {
  it('lists exact addresses, public first, one statement per VPC', () => {
    const r = recommendPolicy(
      [
        seen('203.0.113.7', 5),
        seen('::ffff:198.51.100.1', 3),
        seen('10.0.0.5', 9, 'vpc-b2'),
        seen('2001:db8::1', 1),
      ],
      options,
    );
    assert.deepEqual(r.policy, {
      Version: 1,
      Status: 'Active',
      Statements: [
        { Type: 'ClassicWhiteList', IPList: ['198.51.100.1', '203.0.113.7', '2001:db8::1'] },
        { Type: 'VPCWhiteList', Value: 'vpc-b2', IPList: ['10.0.0.5'] },
      ],
    });
    assert.deepEqual(r.uncovered, []);
    assert.equal(r.coveredCalls, 18);
    assert.deepEqual(
      r.entries.map((e) => [e.statement, e.entry, e.sources, e.calls, e.addresses]),
      [
        [0, '198.51.100.1', ['198.51.100.1'], 3, 1n],
        [0, '203.0.113.7', ['203.0.113.7'], 5, 1n],
        [0, '2001:db8::1', ['2001:db8::1'], 1, 1n],
        [1, '10.0.0.5', ['10.0.0.5'], 9, 1n],
      ],
    );
  });

  it('aggregates into the blocks that open the fewest addresses never seen', () => {
    const sources = [
      seen('198.51.100.1', 1),
      seen('198.51.100.2', 1),
      seen('198.51.100.3', 1),
      seen('203.0.113.9', 1),
    ];
    const r = recommendPolicy(sources, {
      ...options,
      limits: { ...DEFAULT_POLICY_LIMITS, maxEntriesPerStatement: 2 },
    });
    assert.deepEqual(r.policy.Statements[0]!.IPList, ['198.51.100.0/30', '203.0.113.9']);
    assert.equal(r.entries[0]!.addresses, 4n);
    assert.deepEqual(r.entries[0]!.sources, ['198.51.100.1', '198.51.100.2', '198.51.100.3']);
  });

  it('aggregates up to a special range of the public network, never over it', () => {
    // 100.64.0.0/10 is carrier-grade NAT: with a /8 bound, 100.0.0.0/10 is as wide as its neighbours get.
    const sources = [seen('100.1.0.1', 1), seen('100.63.0.1', 1), seen('100.128.0.1', 1)];
    const limits = { ...DEFAULT_POLICY_LIMITS, maxEntriesPerStatement: 2 };
    const r = recommendPolicy(sources, { ...options, limits, bound: { v4: 8, v6: 48 } });
    assert.deepEqual(r.policy.Statements[0]!.IPList, ['100.0.0.0/10', '100.128.0.1']);
    const one = recommendPolicy(sources, {
      ...options,
      limits: { ...limits, maxEntriesPerStatement: 1 },
      bound: { v4: 8, v6: 48 },
    });
    assert.deepEqual(one.policy.Statements[0]!.IPList, ['100.0.0.0/10']);
    assert.deepEqual(
      one.uncovered.map((u) => [u.sourceIp, u.reason]),
      [['100.128.0.1', 'EntryLimit']],
    );
  });

  it('leaves out what the bound, the limits, the coverage and MinCalls do not let in, and says why', () => {
    const r = recommendPolicy(
      [
        seen('198.51.100.1', 50),
        seen('203.0.113.9', 40),
        seen('192.168.1.1', 30),
        seen('10.0.0.1', 20, 'vpc-a1'),
        seen('10.0.0.2', 5, 'vpc-b2'),
        seen('198.51.100.9', 1),
      ],
      {
        ...options,
        coverage: 60,
        minCalls: 2,
        limits: { ...DEFAULT_POLICY_LIMITS, maxStatements: 2, maxEntriesPerStatement: 1 },
        bound: { v4: 24, v6: 48 },
      },
    );
    assert.deepEqual(r.policy.Statements, [
      { Type: 'ClassicWhiteList', IPList: ['198.51.100.1'] },
      {
        Type: 'VPCWhiteList',
        Value: 'vpc-a1',
        IPList: ['10.0.0.1'],
      },
    ]);
    assert.deepEqual(
      r.uncovered.map((u) => [u.sourceIp, u.reason]),
      [
        ['203.0.113.9', 'EntryLimit'],
        ['192.168.1.1', 'NotPublicAddress'],
        ['10.0.0.2', 'StatementLimit'],
        ['198.51.100.9', 'BelowMinCalls'],
      ],
    );
    assert.equal(r.coveredCalls, 70);
    assert.equal(r.totalCalls, 146);
  });

  it('stops taking sources once the coverage asked for is reached', () => {
    const r = recommendPolicy(
      [seen('198.51.100.1', 60), seen('198.51.100.2', 30), seen('198.51.100.3', 10)],
      {
        ...options,
        coverage: 90,
      },
    );
    assert.deepEqual(r.policy.Statements[0]!.IPList, ['198.51.100.1', '198.51.100.2']);
    assert.deepEqual(
      r.uncovered.map((u) => [u.sourceIp, u.reason]),
      [['198.51.100.3', 'BeyondCoverage']],
    );
  });

  it('counts a source left out that an aggregated block lets in anyway in that entry', () => {
    const r = recommendPolicy(
      [
        seen('198.51.100.1', 50),
        seen('198.51.100.3', 40),
        seen('203.0.113.9', 30),
        seen('198.51.100.2', 5),
        seen('198.51.100.0', 1),
        seen('198.51.100.9', 1),
      ],
      {
        ...options,
        coverage: 90,
        minCalls: 2,
        limits: { ...DEFAULT_POLICY_LIMITS, maxEntriesPerStatement: 2 },
      },
    );
    // .2 is beyond the coverage and .0 below MinCalls, but 198.51.100.0/30 holds them both.
    assert.deepEqual(r.policy.Statements[0]!.IPList, ['198.51.100.0/30', '203.0.113.9']);
    assert.deepEqual(
      r.entries.map((e) => [e.entry, e.sources, e.calls]),
      [
        ['198.51.100.0/30', ['198.51.100.0', '198.51.100.1', '198.51.100.2', '198.51.100.3'], 96],
        ['203.0.113.9', ['203.0.113.9'], 30],
      ],
    );
    assert.deepEqual(
      r.uncovered.map((u) => [u.sourceIp, u.reason]),
      [['198.51.100.9', 'BelowMinCalls']],
    );
    assert.equal(r.coveredCalls, 126);
    assert.equal(r.totalCalls, 127);
  });

  it('drafts an Inactive empty policy when there is nothing to let in', () => {
    const r = recommendPolicy([seen('127.0.0.1', 3)], options);
    assert.deepEqual(r.policy, { Version: 1, Status: 'Inactive', Statements: [] });
    assert.deepEqual(
      r.uncovered.map((u) => u.reason),
      ['NotPublicAddress'],
    );
  });
});
