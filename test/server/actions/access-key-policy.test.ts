import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { getAccessKeyPolicy } from '../../../src/server/actions/ims/get-access-key-policy.js';
import { getAccessKeyPolicyForAccount } from '../../../src/server/actions/ims/get-access-key-policy-for-account.js';
import { setAccessKeyPolicy } from '../../../src/server/actions/ims/set-access-key-policy.js';
import { setAccessKeyPolicyForAccount } from '../../../src/server/actions/ims/set-access-key-policy-for-account.js';
import { ApiError, lockoutPrevented } from '../../../src/server/errors/api-error.js';
import { toApiError } from '../../../src/server/errors/to-api-error.js';
import type { AccountId, KeyFenceStore } from '../../../src/store/index.js';
import {
  call,
  fakeContext,
  newRamUser,
  newTenant,
  type RamUserCaller,
  type RootCaller,
  refusedWith,
  useTestStores,
} from './support/action-harness.js';

const classic = (...ips: string[]) =>
  JSON.stringify({ Version: 1, Status: 'Active', Statements: [{ Type: 'ClassicWhiteList', IPList: ips }] });

// Three problems at once: a bad Status, a bad address in statement 0, a VPC list without Value.
const invalidPolicy = JSON.stringify({
  Status: 'active',
  Statements: [
    { Type: 'ClassicWhiteList', IPList: ['010.1.1.1'] },
    { Type: 'VPCWhiteList', IPList: ['10.0.0.0/8'] },
  ],
});

describe('AccessKeyPolicy actions', () => {
  const openTestStore = useTestStores();
  let store: KeyFenceStore;
  let accountId: AccountId;
  let root: RootCaller;
  let alice: RamUserCaller;
  let aliceTarget: Record<string, string>;
  before(async () => {
    store = await openTestStore();
    ({ accountId, root } = await newTenant(store));
    alice = await newRamUser(store, accountId, 'alice');
    aliceTarget = {
      UserPrincipalName: `alice@${accountId}.onaliyun.com`,
      UserAccessKeyId: alice.accessKeyId,
    };
  });

  describe('SetAccessKeyPolicy and GetAccessKeyPolicy', () => {
    test('a key whose policy was never set answers "{}" at version 0', async () => {
      assert.deepEqual(await call(store, getAccessKeyPolicy, root, aliceTarget), {
        AccessKeyId: alice.accessKeyId,
        AccessKeyPolicy: '{}',
        PolicyVersion: 0,
      });
    });

    test('set stores the canonical form, which get returns unchanged', async () => {
      // Fields out of order, whitespace, no Version, host bits set, upper-case IPv6.
      const written = ` { "Statements": [ { "IPList": ["192.0.2.1/24", "2001:DB8::1"],
        "Type": "ClassicWhiteList" } ], "Status": "Active" } `;
      const canonical = classic('192.0.2.0/24', '2001:db8::1');
      const fake = fakeContext(store, root, { ...aliceTarget, AccessKeyPolicy: written });
      const body = await setAccessKeyPolicy.handle(fake.context);
      const version = await store.currentVersion();
      assert.deepEqual(body, {
        AccessKeyId: alice.accessKeyId,
        AccessKeyPolicy: canonical,
        PolicyVersion: version,
        Warnings: [
          {
            Code: 'Cidr.HostBitsSet',
            Message: 'statement 0, IPList[0]: "192.0.2.1/24" has host bits set; it is stored as 192.0.2.0/24',
            Statement: 0,
            Entry: '192.0.2.1/24',
            Field: 'IPList[0]',
          },
        ],
      });
      assert.equal(fake.changedCalls, 1);
      assert.deepEqual(fake.lockoutChecks, [
        {
          target: { kind: 'accessKey', accessKeyId: alice.accessKeyId },
          policy: JSON.parse(canonical),
        },
      ]);
      assert.deepEqual(await call(store, getAccessKeyPolicy, root, aliceTarget), {
        AccessKeyId: alice.accessKeyId,
        AccessKeyPolicy: canonical,
        PolicyVersion: version,
      });
      const [entry] = await store.listPolicyHistory({
        scope: 'accessKey',
        accountId,
        accessKeyId: alice.accessKeyId,
      });
      assert.equal(entry?.actor, `acs:ram::${accountId}:root (${root.accessKeyId})`);
    });

    test('a RAM user sets and reads its own key without naming itself', async () => {
      const body = await call(store, setAccessKeyPolicy, alice, {
        UserAccessKeyId: alice.accessKeyId,
        AccessKeyPolicy: classic('198.51.100.7'),
      });
      assert.equal(body.AccessKeyPolicy, classic('198.51.100.7'));
      assert.equal('Warnings' in body, false);
      const read = await call(store, getAccessKeyPolicy, alice, { UserAccessKeyId: alice.accessKeyId });
      assert.equal(read.AccessKeyPolicy, classic('198.51.100.7'));
    });

    test('an invalid policy is refused with every problem, and the stored one is unchanged', async () => {
      const before = await call(store, getAccessKeyPolicy, root, aliceTarget);
      const fake = fakeContext(store, root, { ...aliceTarget, AccessKeyPolicy: invalidPolicy });
      await assert.rejects(setAccessKeyPolicy.handle(fake.context), (error: unknown) => {
        assert.ok(error instanceof ApiError);
        assert.equal(error.code, 'InvalidParameter.AccessKeyPolicy');
        assert.equal(error.httpStatus, 400);
        assert.match(error.message, /3 problems/);
        for (const code of [
          'InvalidPolicy.Status',
          'Address.IPv4.LeadingZero',
          'InvalidPolicy.Statement.Value',
        ]) {
          assert.ok(error.message.includes(`[${code}]`), `${code} missing from: ${error.message}`);
        }
        assert.match(error.message, /statement 0, IPList\[0\]: "010\.1\.1\.1"/);
        const problems = error.detail?.PolicyProblems as Record<string, unknown>[];
        assert.deepEqual(
          problems.map((p) => [p.Code, p.Statement, p.Entry]),
          [
            ['InvalidPolicy.Status', undefined, undefined],
            ['Address.IPv4.LeadingZero', 0, '010.1.1.1'],
            ['InvalidPolicy.Statement.Value', 1, undefined],
          ],
        );
        return true;
      });
      assert.equal(fake.changedCalls, 0);
      assert.deepEqual(fake.lockoutChecks, []);
      assert.deepEqual(await call(store, getAccessKeyPolicy, root, aliceTarget), before);
    });

    test('"{}", a non-object and a missing document are refused', async () => {
      const before = await call(store, getAccessKeyPolicy, root, aliceTarget);
      const empty = await refusedWith(
        call(store, setAccessKeyPolicy, root, { ...aliceTarget, AccessKeyPolicy: '{ }' }),
        'InvalidParameter.AccessKeyPolicy',
        400,
      );
      assert.match(empty, /InvalidPolicy\.Empty/);
      const notJson = await refusedWith(
        call(store, setAccessKeyPolicy, root, { ...aliceTarget, AccessKeyPolicy: '{"Status":' }),
        'InvalidParameter.AccessKeyPolicy',
        400,
      );
      assert.match(notJson, /InvalidPolicy\.Json/);
      await refusedWith(
        call(store, setAccessKeyPolicy, root, aliceTarget),
        'MissingParameter.AccessKeyPolicy',
        400,
      );
      await refusedWith(
        call(store, setAccessKeyPolicy, root, { AccessKeyPolicy: classic('192.0.2.1') }),
        'MissingParameter.UserAccessKeyId',
        400,
      );
      assert.deepEqual(await call(store, getAccessKeyPolicy, root, aliceTarget), before);
    });

    test('a policy the lockout guard refuses is not stored', async () => {
      const before = await call(store, getAccessKeyPolicy, root, aliceTarget);
      const refusal = lockoutPrevented('AccessKey of alice from 203.0.113.9', 'IgnoreLockoutCheck', {});
      const fake = fakeContext(
        store,
        alice,
        { UserAccessKeyId: alice.accessKeyId, AccessKeyPolicy: classic('203.0.113.9') },
        {
          guardLockout: () => {
            throw refusal;
          },
        },
      );
      await assert.rejects(setAccessKeyPolicy.handle(fake.context), refusal);
      assert.equal(fake.changedCalls, 0);
      assert.deepEqual(await call(store, getAccessKeyPolicy, root, aliceTarget), before);
    });

    test('the Inactive empty policy clears a key’s policy', async () => {
      const cleared = '{"Version":1,"Status":"Inactive","Statements":[]}';
      const body = await call(store, setAccessKeyPolicy, root, { ...aliceTarget, AccessKeyPolicy: cleared });
      assert.equal(body.AccessKeyPolicy, cleared);
      assert.equal((await call(store, getAccessKeyPolicy, root, aliceTarget)).AccessKeyPolicy, cleared);
    });

    test('reaches a key only through its owner, never across accounts', async () => {
      const other = await newTenant(store);
      const policy = classic('192.0.2.1');
      const cases: [RootCaller | RamUserCaller, Record<string, string>][] = [
        [other.root, { UserAccessKeyId: root.accessKeyId }],
        [other.root, aliceTarget],
        [root, { UserAccessKeyId: alice.accessKeyId }],
        [alice, { UserAccessKeyId: root.accessKeyId }],
        [root, { UserAccessKeyId: other.root.accessKeyId }],
      ];
      for (const [caller, target] of cases) {
        const code = 'UserPrincipalName' in target ? 'EntityNotExist.User' : 'EntityNotExist.User.AccessKey';
        await refusedWith(call(store, getAccessKeyPolicy, caller, target), code, 404);
        await refusedWith(
          call(store, setAccessKeyPolicy, caller, { ...target, AccessKeyPolicy: policy }),
          code,
          404,
        );
      }
      assert.equal(
        (await call(store, getAccessKeyPolicy, other.root, { UserAccessKeyId: other.root.accessKeyId }))
          .AccessKeyPolicy,
        '{}',
      );
    });
  });

  describe('SetAccessKeyPolicyForAccount and GetAccessKeyPolicyForAccount', () => {
    test('round-trip the account-level policy, with its version', async () => {
      const { root: owner, accountId: id } = await newTenant(store);
      assert.deepEqual(await call(store, getAccessKeyPolicyForAccount, owner), {
        AccessKeyPolicy: '{}',
        PolicyVersion: 0,
      });
      const fake = fakeContext(store, owner, { AccessKeyPolicy: classic('192.0.2.0/24') });
      const body = await setAccessKeyPolicyForAccount.handle(fake.context);
      const version = await store.currentVersion();
      assert.deepEqual(body, { AccessKeyPolicy: classic('192.0.2.0/24'), PolicyVersion: version });
      assert.equal(fake.changedCalls, 1);
      assert.deepEqual(fake.lockoutChecks, [
        { target: { kind: 'account' }, policy: JSON.parse(classic('192.0.2.0/24')) },
      ]);
      assert.deepEqual(await call(store, getAccessKeyPolicyForAccount, owner), body);
      const [entry] = await store.listPolicyHistory({ scope: 'account', accountId: id });
      assert.equal(entry?.actor, `acs:ram::${id}:root (${owner.accessKeyId})`);
      // Another account's policy is its own.
      assert.equal((await call(store, getAccessKeyPolicyForAccount, root)).AccessKeyPolicy, '{}');
    });

    test('refuses an invalid policy with its problems and keeps the stored one', async () => {
      const { root: owner } = await newTenant(store);
      await call(store, setAccessKeyPolicyForAccount, owner, { AccessKeyPolicy: classic('192.0.2.1') });
      const before = await call(store, getAccessKeyPolicyForAccount, owner);
      const message = await refusedWith(
        call(store, setAccessKeyPolicyForAccount, owner, { AccessKeyPolicy: invalidPolicy }),
        'InvalidParameter.AccessKeyPolicy',
        400,
      );
      assert.match(
        message,
        /\[InvalidPolicy\.Status\].*\[Address\.IPv4\.LeadingZero\].*\[InvalidPolicy\.Statement\.Value\]/,
      );
      await refusedWith(
        call(store, setAccessKeyPolicyForAccount, owner, { AccessKeyPolicy: '{}' }),
        'InvalidParameter.AccessKeyPolicy',
        400,
      );
      await refusedWith(
        call(store, setAccessKeyPolicyForAccount, owner),
        'MissingParameter.AccessKeyPolicy',
        400,
      );
      assert.deepEqual(await call(store, getAccessKeyPolicyForAccount, owner), before);
    });
  });

  describe('ExpectedPolicyVersion', () => {
    test('a key policy is set only while it is still at the version sent', async () => {
      const bob = await newRamUser(store, accountId, 'bob');
      const bobTarget = {
        UserPrincipalName: `bob@${accountId}.onaliyun.com`,
        UserAccessKeyId: bob.accessKeyId,
      };
      // 0: never set.
      const first = await call(store, setAccessKeyPolicy, root, {
        ...bobTarget,
        AccessKeyPolicy: classic('192.0.2.1'),
        ExpectedPolicyVersion: '0',
      });
      const read = await call(store, getAccessKeyPolicy, root, bobTarget);
      assert.equal(read.PolicyVersion, first.PolicyVersion);
      const second = await call(store, setAccessKeyPolicy, root, {
        ...bobTarget,
        AccessKeyPolicy: classic('192.0.2.2'),
        ExpectedPolicyVersion: String(read.PolicyVersion),
      });
      const current = second.PolicyVersion as number;
      assert.ok(current > (first.PolicyVersion as number));

      const fake = fakeContext(store, root, {
        ...bobTarget,
        AccessKeyPolicy: classic('192.0.2.3'),
        ExpectedPolicyVersion: String(read.PolicyVersion),
      });
      await assert.rejects(setAccessKeyPolicy.handle(fake.context), (thrown: unknown) => {
        // The store refuses inside the write transaction; the endpoint answers it so.
        const { error, internal } = toApiError(thrown);
        assert.equal(internal, false);
        assert.equal(error.code, 'PolicyVersionConflict');
        assert.equal(error.httpStatus, 409);
        assert.ok(error.message.includes(`current PolicyVersion is ${current}`), error.message);
        assert.deepEqual(error.detail, { CurrentPolicyVersion: current });
        return true;
      });
      assert.equal(fake.changedCalls, 0);
      assert.equal(
        (await call(store, getAccessKeyPolicy, root, bobTarget)).AccessKeyPolicy,
        classic('192.0.2.2'),
      );
      // Without the parameter the last write wins, as in Alibaba's API.
      await call(store, setAccessKeyPolicy, root, { ...bobTarget, AccessKeyPolicy: classic('192.0.2.4') });
      assert.equal(
        (await call(store, getAccessKeyPolicy, root, bobTarget)).AccessKeyPolicy,
        classic('192.0.2.4'),
      );
    });

    test('the account policy is set only while it is still at the version sent', async () => {
      const { root: owner } = await newTenant(store);
      await refusedWith(
        call(store, setAccessKeyPolicyForAccount, owner, {
          AccessKeyPolicy: classic('192.0.2.1'),
          ExpectedPolicyVersion: '7',
        }),
        'PolicyVersionConflict',
        409,
      );
      assert.deepEqual(await call(store, getAccessKeyPolicyForAccount, owner), {
        AccessKeyPolicy: '{}',
        PolicyVersion: 0,
      });
      const set = await call(store, setAccessKeyPolicyForAccount, owner, {
        AccessKeyPolicy: classic('192.0.2.1'),
        ExpectedPolicyVersion: '0',
      });
      const message = await refusedWith(
        call(store, setAccessKeyPolicyForAccount, owner, {
          AccessKeyPolicy: classic('192.0.2.2'),
          ExpectedPolicyVersion: '0',
        }),
        'PolicyVersionConflict',
        409,
      );
      assert.ok(message.includes(`PolicyVersion is ${set.PolicyVersion}`), message);
      assert.equal(
        (await call(store, getAccessKeyPolicyForAccount, owner)).AccessKeyPolicy,
        classic('192.0.2.1'),
      );
    });

    test('a value that is not a plain whole number is refused, naming the parameter', async () => {
      // Empty too: a client whose version variable is empty must not silently lose the protection.
      for (const value of ['', '-1', '1.0', '1e3', '0x10', ' 3', '03', 'abc', '1234567890123456']) {
        const message = await refusedWith(
          call(store, setAccessKeyPolicyForAccount, root, {
            AccessKeyPolicy: classic('192.0.2.1'),
            ExpectedPolicyVersion: value,
          }),
          'InvalidParameter.ExpectedPolicyVersion',
          400,
        );
        assert.match(message, /"ExpectedPolicyVersion"/);
        await refusedWith(
          call(store, setAccessKeyPolicy, root, {
            ...aliceTarget,
            AccessKeyPolicy: classic('192.0.2.1'),
            ExpectedPolicyVersion: value,
          }),
          'InvalidParameter.ExpectedPolicyVersion',
          400,
        );
      }
    });
  });
});
