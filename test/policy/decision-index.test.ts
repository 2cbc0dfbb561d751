import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Source } from '../../src/policy/decision.js';
import { DecisionIndex } from '../../src/policy/decision-index.js';
import type { AccessKeyPolicy } from '../../src/policy/policy-document.js';
import { classic, policy, vpc } from './policy-builders.js';

const ACCOUNT = '1234567890123456';
const KEY = 'LTAI5tTestKey0000000001';
const OTHER_KEY = 'LTAI5tTestKey0000000002';
const VPC = 'vpc-m5ekxe1zi8zwgqrtc1234';
const permanent = { accessKeyId: KEY, temporary: false };

function indexWith(account: AccessKeyPolicy | null, key: AccessKeyPolicy | null): DecisionIndex {
  const index = new DecisionIndex({ exemptServices: ['mns', 'eventbridge'] });
  index.setAccountPolicy(ACCOUNT, account, 7);
  index.setKey(KEY, ACCOUNT, key, 9);
  index.setKey(OTHER_KEY, ACCOUNT, null, 0);
  return index;
}

const publicIp = (ip: string): Source => ({ ip });
const fromVpc = (ip: string, vpcId = VPC): Source => ({ ip, vpcId });

describe("the seed's configuration examples", () => {
  test('no restrictions: every policy Inactive, whatever it contains', () => {
    const index = indexWith(
      policy('Inactive', classic('203.0.113.1')),
      policy('Inactive', classic('198.51.100.1')),
    );
    for (const source of [publicIp('8.8.8.8'), fromVpc('10.0.0.1')]) {
      const d = index.decide(permanent, source, 'ecs');
      assert.deepEqual([d.allowed, d.reason, d.scope], [true, 'no-active-policy', 'none']);
    }
  });

  test('allow all public addresses with 0.0.0.0/0 and ::/0', () => {
    const index = indexWith(policy('Active', classic('0.0.0.0/0', '::/0')), null);
    for (const ip of ['1.2.3.4', '255.255.255.255', '2001:db8::1', '::ffff:8.8.8.8']) {
      assert.equal(index.decide(permanent, publicIp(ip), 'ecs').allowed, true, ip);
    }
    // A public statement says nothing about VPC calls, which are denied without a VPC statement.
    assert.equal(index.decide(permanent, fromVpc('10.0.0.1'), 'ecs').reason, 'no-vpc-statement');
  });

  test('0.0.0.0/0 alone covers IPv4 only, and ::/0 alone IPv6 only', () => {
    const v4 = indexWith(policy('Active', classic('0.0.0.0/0')), null);
    assert.equal(v4.decide(permanent, publicIp('2001:db8::1'), 'ecs').allowed, false);
    const v6 = indexWith(policy('Active', classic('::/0')), null);
    assert.equal(v6.decide(permanent, publicIp('1.2.3.4'), 'ecs').allowed, false);
    assert.equal(v6.decide(permanent, publicIp('::ffff:1.2.3.4'), 'ecs').allowed, false);
  });

  test('allow every VPC of every account with AllowAllVPC', () => {
    const index = indexWith(policy('Active', vpc('AllowAllVPC', '0.0.0.0/0', '::/0')), null);
    for (const source of [fromVpc('10.1.2.3', 'vpc-anything'), fromVpc('fd00::1', 'vpc-other')]) {
      const d = index.decide(permanent, source, 'ecs');
      assert.deepEqual([d.allowed, d.reason, d.statement], [true, 'vpc-allowed', 0]);
    }
    assert.equal(index.decide(permanent, publicIp('1.2.3.4'), 'ecs').reason, 'no-public-statement');
  });

  test('deny all public calls: Active with no public statement', () => {
    const index = indexWith(policy('Active', vpc(VPC, '10.0.0.0/8')), null);
    const d = index.decide(permanent, publicIp('203.0.113.1'), 'ecs');
    assert.deepEqual(
      [d.allowed, d.reason, d.scope, d.policyVersion],
      [false, 'no-public-statement', 'account', 7],
    );
  });

  test('deny all VPC calls: Active with no VPC statement', () => {
    const index = indexWith(policy('Active', classic('0.0.0.0/0')), null);
    const d = index.decide(permanent, fromVpc('10.0.0.1'), 'ecs');
    assert.deepEqual([d.allowed, d.reason], [false, 'no-vpc-statement']);
  });

  test('an Active account policy with one key exempted by an allow-everything key policy', () => {
    const index = indexWith(
      policy('Active', classic('203.0.113.1')),
      policy('Active', classic('0.0.0.0/0', '::/0'), vpc('AllowAllVPC', '0.0.0.0/0', '::/0')),
    );
    for (const source of [publicIp('8.8.8.8'), publicIp('2001:db8::5'), fromVpc('192.168.3.4')]) {
      const d = index.decide(permanent, source, 'ecs');
      assert.deepEqual([d.allowed, d.scope, d.policyVersion], [true, 'accessKey', 9]);
    }
    const other = index.decide({ accessKeyId: OTHER_KEY, temporary: false }, publicIp('8.8.8.8'), 'ecs');
    assert.deepEqual([other.allowed, other.scope], [false, 'account']);
  });

  for (const scope of ['account', 'accessKey'] as const) {
    test(`${scope}-level: 203.0.113.1 publicly and 192.168.0.0/16 inside one VPC`, () => {
      const p = policy('Active', classic('203.0.113.1'), vpc(VPC, '192.168.0.0/16'));
      const index = scope === 'account' ? indexWith(p, null) : indexWith(null, p);
      const cases: [Source, boolean, string][] = [
        [publicIp('203.0.113.1'), true, 'public-ip-allowed'],
        [publicIp('203.0.113.2'), false, 'public-ip-not-allowed'],
        [publicIp('192.168.1.1'), false, 'public-ip-not-allowed'],
        [fromVpc('192.168.1.1'), true, 'vpc-allowed'],
        [fromVpc('192.168.1.1', 'vpc-someoneelse0000000000'), false, 'vpc-not-allowed'],
        [fromVpc('172.16.0.1'), false, 'vpc-not-allowed'],
        [fromVpc('203.0.113.1'), false, 'vpc-not-allowed'],
      ];
      for (const [source, allowed, reason] of cases) {
        const d = index.decide(permanent, source, 'ecs');
        assert.deepEqual([d.allowed, d.reason, d.scope], [allowed, reason, scope], JSON.stringify(source));
      }
    });
  }
});

describe('precedence', () => {
  test('an Active key-level policy replaces the account-level one entirely', () => {
    const index = indexWith(
      policy('Active', classic('203.0.113.0/24')),
      policy('Active', classic('198.51.100.7')),
    );
    assert.equal(index.decide(permanent, publicIp('203.0.113.5'), 'ecs').allowed, false);
    const d = index.decide(permanent, publicIp('198.51.100.7'), 'ecs');
    assert.deepEqual([d.allowed, d.scope, d.policyVersion], [true, 'accessKey', 9]);
  });

  test('an Inactive key-level policy, with or without statements, has no effect', () => {
    for (const keyPolicy of [policy('Inactive'), policy('Inactive', classic('0.0.0.0/0'))]) {
      const index = indexWith(policy('Active', classic('203.0.113.0/24')), keyPolicy);
      assert.equal(index.decide(permanent, publicIp('203.0.113.5'), 'ecs').scope, 'account');
      assert.equal(index.decide(permanent, publicIp('8.8.8.8'), 'ecs').allowed, false);
    }
  });

  test('an Active key-level policy with no statements denies everything', () => {
    const index = indexWith(null, policy('Active'));
    assert.equal(index.decide(permanent, publicIp('8.8.8.8'), 'ecs').reason, 'no-public-statement');
    assert.equal(index.decide(permanent, fromVpc('10.0.0.1'), 'ecs').reason, 'no-vpc-statement');
  });

  test('with no policy anywhere every call is allowed', () => {
    const index = indexWith(null, null);
    assert.equal(index.decide(permanent, publicIp('8.8.8.8'), 'ecs').reason, 'no-active-policy');
  });
});

describe('credentials and services that are never restricted', () => {
  const locked = () => indexWith(policy('Active'), policy('Active'));

  test('temporary STS credentials pass, even for keys the index does not know', () => {
    const sts = { accessKeyId: 'STS.NUgYrLnoC37mZZCNnAbez2', temporary: true };
    const d = locked().decide(sts, publicIp('8.8.8.8'), 'ecs');
    assert.deepEqual([d.allowed, d.reason], [true, 'temporary-credential']);
  });

  test('exempt services pass; others do not', () => {
    const index = locked();
    assert.equal(index.decide(permanent, publicIp('8.8.8.8'), 'mns').reason, 'exempt-service');
    assert.equal(index.decide(permanent, publicIp('8.8.8.8'), 'ecs').allowed, false);
  });

  test('an unknown permanent key is denied', () => {
    const d = locked().decide({ accessKeyId: 'LTAI5tNobody', temporary: false }, publicIp('8.8.8.8'), 'ecs');
    assert.deepEqual([d.allowed, d.reason], [false, 'unknown-access-key']);
  });
});

describe('source addresses', () => {
  const index = indexWith(policy('Active', classic('127.0.0.0/8', '10.0.0.0/8', '2001:db8::/32')), null);

  test('IPv4-mapped clients are matched as IPv4, in every spelling', () => {
    for (const ip of ['::ffff:127.0.0.1', '::FFFF:7F00:1', '0:0:0:0:0:ffff:7f00:1', '0::ffff:7f00:1']) {
      assert.equal(index.decide(permanent, publicIp(ip), 'ecs').allowed, true, ip);
    }
  });

  test('transition forms are IPv6, not the IPv4 they embed', () => {
    for (const ip of ['64:ff9b::127.0.0.1', '::7f00:1', '2002:7f00:1::', '::ffff:0:7f00:1']) {
      assert.equal(index.decide(permanent, publicIp(ip), 'ecs').allowed, false, ip);
    }
  });

  test('malformed and ambiguous client addresses are denied, never guessed', () => {
    for (const ip of [
      '127.1',
      '0x7f.0.0.1',
      '0177.0.0.1',
      '127.0.0.1.',
      ' 127.0.0.1',
      '[::1]:80',
      'fe80::1%eth0',
      '',
    ]) {
      const d = index.decide(permanent, publicIp(ip), 'ecs');
      assert.deepEqual([d.allowed, d.reason], [false, 'invalid-source-address'], JSON.stringify(ip));
    }
  });
});

describe('the matched statement', () => {
  test('is the lowest-index statement that allows, across a VPC list and AllowAllVPC', () => {
    const index = indexWith(
      policy('Active', vpc(VPC, '10.0.0.0/8'), vpc('AllowAllVPC', '10.1.0.0/16'), vpc(VPC, '10.1.2.0/24')),
      null,
    );
    assert.equal(index.decide(permanent, fromVpc('10.1.2.3'), 'ecs').statement, 0);
    const any = indexWith(policy('Active', vpc(VPC, '10.1.2.0/24'), vpc('AllowAllVPC', '10.0.0.0/8')), null);
    assert.equal(any.decide(permanent, fromVpc('10.1.2.3'), 'ecs').statement, 0);
    assert.equal(any.decide(permanent, fromVpc('10.9.9.9'), 'ecs').statement, 1);
    assert.equal(any.decide(permanent, fromVpc('10.9.9.9', 'vpc-x'), 'ecs').statement, 1);
  });
});

describe('explain', () => {
  test('reports what an Inactive key policy would decide beside the effective account policy', () => {
    const index = indexWith(
      policy('Active', classic('203.0.113.0/24')),
      policy('Inactive', classic('8.8.8.8')),
    );
    const e = index.explain(permanent, publicIp('8.8.8.8'), 'ecs');
    assert.deepEqual([e.decision.allowed, e.decision.scope], [false, 'account']);
    assert.deepEqual(
      e.scopes.map((s) => [s.scope, s.status, s.effective, s.wouldAllow, s.statement]),
      [
        ['accessKey', 'Inactive', false, true, 0],
        ['account', 'Active', true, false, -1],
      ],
    );
  });
});

describe('maintenance', () => {
  test('replacing and removing one key or account leaves the others untouched', () => {
    const index = indexWith(policy('Active', classic('1.1.1.1')), policy('Active', classic('2.2.2.2')));
    index.setKey(KEY, ACCOUNT, policy('Active', classic('3.3.3.3')), 10);
    assert.equal(index.decide(permanent, publicIp('2.2.2.2'), 'ecs').allowed, false);
    assert.equal(index.decide(permanent, publicIp('3.3.3.3'), 'ecs').policyVersion, 10);
    index.setKey(KEY, ACCOUNT, null, 11);
    assert.equal(index.decide(permanent, publicIp('1.1.1.1'), 'ecs').scope, 'account');
    index.setAccountPolicy(ACCOUNT, null, 12);
    assert.equal(index.decide(permanent, publicIp('8.8.8.8'), 'ecs').reason, 'no-active-policy');
    index.removeKey(KEY);
    assert.equal(index.decide(permanent, publicIp('8.8.8.8'), 'ecs').reason, 'unknown-access-key');
    assert.equal(index.hasKey(OTHER_KEY), true);
    assert.equal(index.keyCount, 1);
  });

  test('a policy that cannot compile leaves the previous one in force', () => {
    const index = indexWith(null, policy('Active', classic('2.2.2.2')));
    assert.throws(() => index.setKey(KEY, ACCOUNT, policy('Active', classic('2.2.2.300')), 20), {
      code: 'Index.InvalidPolicy',
    });
    assert.equal(index.decide(permanent, publicIp('2.2.2.2'), 'ecs').allowed, true);
  });

  test('many replacements trigger compaction and every answer stays right', () => {
    const index = new DecisionIndex();
    const keys = Array.from({ length: 500 }, (_, i) => `LTAI${String(i).padStart(20, '0')}`);
    for (let round = 0; round < 30; round++) {
      keys.forEach((key, i) => {
        const list = Array.from({ length: 20 }, (_, j) => `10.${round}.${i % 250}.${j}`);
        index.setKey(key, `acct${i % 7}`, policy('Active', classic(...list)), round + 1);
      });
    }
    index.compact();
    keys.forEach((key, i) => {
      const c = { accessKeyId: key, temporary: false };
      assert.equal(index.decide(c, publicIp(`10.29.${i % 250}.19`), 'ecs').allowed, true);
      assert.equal(index.decide(c, publicIp(`10.28.${i % 250}.19`), 'ecs').allowed, false);
      assert.equal(index.decide(c, publicIp(`10.29.${i % 250}.19`), 'ecs').policyVersion, 30);
    });
  });
});
