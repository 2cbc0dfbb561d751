import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { attachPolicyToUser } from '../../../src/server/actions/ram/attach-policy-to-user.js';
import { detachPolicyFromUser } from '../../../src/server/actions/ram/detach-policy-from-user.js';
import { listPoliciesForUser } from '../../../src/server/actions/ram/list-policies-for-user.js';
import { SYSTEM_POLICIES, systemPolicyDescription } from '../../../src/server/rpc/system-policies.js';
import type { AccountId, KeyFenceStore, UserName } from '../../../src/store/index.js';
import {
  call,
  fakeContext,
  newRamUser,
  newTenant,
  type RootCaller,
  refusedWith,
  testDate,
  useTestStores,
} from './support/action-harness.js';

describe('RAM user policy actions', () => {
  const openTestStore = useTestStores();
  let store: KeyFenceStore;
  let accountId: AccountId;
  let root: RootCaller;
  before(async () => {
    store = await openTestStore();
    ({ accountId, root } = await newTenant(store));
    await newRamUser(store, accountId, 'alice');
  });

  const attach = (policyName: string) => ({
    UserName: 'alice',
    PolicyType: 'System',
    PolicyName: policyName,
  });

  test('AttachPolicyToUser attaches a system policy; ListPoliciesForUser shows it as RAM does', async () => {
    const fake = fakeContext(store, root, attach('AliyunRAMReadOnlyAccess'));
    assert.deepEqual(await attachPolicyToUser.handle(fake.context), {});
    assert.equal(fake.changedCalls, 1);
    await call(store, attachPolicyToUser, root, attach('AdministratorAccess'));
    assert.deepEqual(await call(store, listPoliciesForUser, root, { UserName: 'alice' }), {
      Policies: {
        Policy: [
          {
            PolicyName: 'AdministratorAccess',
            PolicyType: 'System',
            Description: 'Provides full access to Alibaba Cloud services and resources.',
            DefaultVersion: 'v1',
            AttachDate: testDate,
          },
          {
            PolicyName: 'AliyunRAMReadOnlyAccess',
            PolicyType: 'System',
            Description: 'Provides read-only access to Resource Access Management (RAM).',
            DefaultVersion: 'v1',
            AttachDate: testDate,
          },
        ],
      },
    });
  });

  test('attaching twice is EntityAlreadyExists.User.Policy (409)', async () => {
    await refusedWith(
      call(store, attachPolicyToUser, root, attach('AdministratorAccess')),
      'EntityAlreadyExists.User.Policy',
      409,
    );
  });

  test('only KeyFence’s system policies exist', async () => {
    await refusedWith(
      call(store, attachPolicyToUser, root, attach('AliyunOSSFullAccess')),
      'EntityNotExist.Policy',
      404,
    );
    await refusedWith(
      call(store, attachPolicyToUser, root, { ...attach('AdministratorAccess'), PolicyType: 'Custom' }),
      'InvalidParameter.PolicyType',
      400,
    );
    await refusedWith(
      call(store, detachPolicyFromUser, root, attach('administratoraccess')),
      'EntityNotExist.Policy',
      404,
    );
  });

  test('every parameter is required and checked', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ PolicyType: 'System', PolicyName: 'AdministratorAccess' }, 'MissingParameter.UserName'],
      [{ UserName: 'alice', PolicyName: 'AdministratorAccess' }, 'MissingParameter.PolicyType'],
      [{ UserName: 'alice', PolicyType: 'System' }, 'MissingParameter.PolicyName'],
      [{ ...attach('AdministratorAccess'), UserName: 'a b' }, 'InvalidParameter.UserName'],
      [{ ...attach('AdministratorAccess'), UserName: 'u'.repeat(65) }, 'InvalidParameter.UserName'],
      [attach('Admin_Access'), 'InvalidParameter.PolicyName'],
    ];
    for (const [params, code] of cases) {
      await refusedWith(call(store, attachPolicyToUser, root, params), code, 400);
      await refusedWith(call(store, detachPolicyFromUser, root, params), code, 400);
    }
    await refusedWith(call(store, listPoliciesForUser, root), 'MissingParameter.UserName', 400);
  });

  test('DetachPolicyFromUser detaches; detaching again is EntityNotExist.User.Policy (404)', async () => {
    const fake = fakeContext(store, root, attach('AliyunRAMReadOnlyAccess'));
    assert.deepEqual(await detachPolicyFromUser.handle(fake.context), {});
    assert.equal(fake.changedCalls, 1);
    const listed = await call(store, listPoliciesForUser, root, { UserName: 'alice' });
    assert.deepEqual(
      (listed.Policies as { Policy: { PolicyName: string }[] }).Policy.map((p) => p.PolicyName),
      ['AdministratorAccess'],
    );
    await refusedWith(
      call(store, detachPolicyFromUser, root, attach('AliyunRAMReadOnlyAccess')),
      'EntityNotExist.User.Policy',
      404,
    );
  });

  test('users of other accounts are out of reach', async () => {
    const other = await newTenant(store);
    await refusedWith(
      call(store, attachPolicyToUser, other.root, attach('AdministratorAccess')),
      'EntityNotExist.User',
      404,
    );
    await refusedWith(
      call(store, listPoliciesForUser, other.root, { UserName: 'alice' }),
      'EntityNotExist.User',
      404,
    );
    await refusedWith(
      call(store, detachPolicyFromUser, other.root, attach('AdministratorAccess')),
      'EntityNotExist.User',
      404,
    );
    assert.equal((await store.listPoliciesForUser(accountId, 'alice' as UserName)).length, 1);
  });

  test('every system policy authorisation knows has a description', () => {
    for (const name of Object.keys(SYSTEM_POLICIES)) assert.notEqual(systemPolicyDescription(name), '', name);
  });
});
