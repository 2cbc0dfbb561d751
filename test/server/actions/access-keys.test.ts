import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as ims from '@alicloud/ims20190815';
import type { CanonicalPolicyJson } from '../../../src/policy/policy-document.js';
import type { Caller } from '../../../src/request/caller.js';
import { createAccessKey } from '../../../src/server/actions/ims/create-access-key.js';
import { deleteAccessKey } from '../../../src/server/actions/ims/delete-access-key.js';
import { getAccessKeyLastUsed } from '../../../src/server/actions/ims/get-access-key-last-used.js';
import { listAccessKeys } from '../../../src/server/actions/ims/list-access-keys.js';
import { updateAccessKey } from '../../../src/server/actions/ims/update-access-key.js';
import type {
  AccessKeyId,
  AccountId,
  KeyFenceStore,
  RoleId,
  RoleName,
  TemporaryAccessKeyId,
  UserName,
} from '../../../src/store/index.js';
import {
  call,
  fakeContext,
  newRamUser,
  newTenant,
  type RamUserCaller,
  type RootCaller,
  refusedWith,
  sdkBody,
  testDate,
  useTestStores,
} from './support/action-harness.js';

describe('IMS AccessKey actions', () => {
  const openTestStore = useTestStores();
  let store: KeyFenceStore;
  let accountId: AccountId;
  let root: RootCaller;
  let alice: RamUserCaller;
  let aliceUpn: string;
  before(async () => {
    store = await openTestStore();
    ({ accountId, root } = await newTenant(store));
    alice = await newRamUser(store, accountId, 'alice');
    aliceUpn = `alice@${accountId}.onaliyun.com`;
  });

  const keyIds = async (caller: Caller, params: Record<string, string> = {}) =>
    sdkBody(
      await call(store, listAccessKeys, caller, params),
      ims.ListAccessKeysResponse,
    ).accessKeys?.accessKey?.map((key) => key.accessKeyId);

  describe('CreateAccessKey', () => {
    test('creates a key for the named user, showing its secret once', async () => {
      const fake = fakeContext(store, root, { UserPrincipalName: aliceUpn });
      const body = await createAccessKey.handle(fake.context);
      assert.equal(fake.changedCalls, 1);
      const sdk = sdkBody(body, ims.CreateAccessKeyResponse);
      assert.match(sdk.accessKey?.accessKeyId ?? '', /^LTAI[0-9A-Za-z]{20}$/);
      assert.match(sdk.accessKey?.accessKeySecret ?? '', /^[0-9A-Za-z]{30}$/);
      assert.equal(sdk.accessKey?.status, 'Active');
      assert.equal(sdk.accessKey?.createDate, testDate);
      const stored = await store.getAccessKey(accountId, sdk.accessKey!.accessKeyId as AccessKeyId);
      assert.equal(stored.userName, 'alice');
    });

    test('surfaces the per-user limit of 2 keys as LimitExceeded.User.AccessKey (409)', async () => {
      // alice has her first key and the one created above.
      const message = await refusedWith(
        call(store, createAccessKey, root, { UserPrincipalName: aliceUpn }),
        'LimitExceeded.User.AccessKey',
        409,
      );
      assert.match(message, /beyond the current limits/);
      assert.equal((await keyIds(root, { UserPrincipalName: aliceUpn }))?.length, 2);
    });

    test('without a principal name creates a key for the caller itself', async () => {
      const bob = await newRamUser(store, accountId, 'bob');
      const body = await call(store, createAccessKey, bob);
      const id = (body.AccessKey as { AccessKeyId: AccessKeyId }).AccessKeyId;
      assert.equal((await store.getAccessKey(accountId, id)).userName, 'bob');
      const rootKey = await call(store, createAccessKey, root);
      const rootId = (rootKey.AccessKey as { AccessKeyId: AccessKeyId }).AccessKeyId;
      assert.equal((await store.getAccessKey(accountId, rootId)).userName, null);
    });

    test('makes an assumed role name the user', async () => {
      const role: Caller = {
        type: 'assumed-role',
        accountId,
        accessKeyId: 'STS.0123456789abcdefABCDEF' as TemporaryAccessKeyId,
        roleName: 'admin' as RoleName,
        roleId: '3001' as RoleId,
        roleSessionName: 'ops',
      };
      await refusedWith(call(store, createAccessKey, role), 'MissingParameter.UserPrincipalName', 400);
    });

    test('never creates a key for another account’s user', async () => {
      const other = await newTenant(store);
      await newRamUser(store, other.accountId, 'carol');
      await refusedWith(
        call(store, createAccessKey, root, { UserPrincipalName: `carol@${other.accountId}.onaliyun.com` }),
        'EntityNotExist.User',
        404,
      );
      assert.equal((await store.listAccessKeys(other.accountId, { owner: 'carol' as UserName })).length, 1);
    });
  });

  describe('ListAccessKeys', () => {
    test('lists the owner’s keys under AccessKeys.AccessKey, without secrets', async () => {
      const body = await call(store, listAccessKeys, root, { UserPrincipalName: aliceUpn });
      const wrapped = body.AccessKeys as { AccessKey: Record<string, unknown>[] };
      assert.equal(wrapped.AccessKey.length, 2);
      for (const key of wrapped.AccessKey) {
        assert.deepEqual(Object.keys(key).sort(), ['AccessKeyId', 'CreateDate', 'Status', 'UpdateDate']);
      }
      const sdk = sdkBody(body, ims.ListAccessKeysResponse);
      assert.equal(sdk.accessKeys?.accessKey?.[0]?.updateDate, testDate);
      assert.ok((await keyIds(alice))?.includes(alice.accessKeyId));
    });

    test('keeps owners apart: root’s keys, a user’s keys, another account’s', async () => {
      const rootKeys = await keyIds(root);
      assert.ok(rootKeys?.includes(root.accessKeyId));
      assert.ok(!rootKeys?.includes(alice.accessKeyId));
      const other = await newTenant(store);
      assert.deepEqual(await keyIds(other.root), [other.root.accessKeyId]);
      await refusedWith(
        call(store, listAccessKeys, other.root, { UserPrincipalName: aliceUpn }),
        'EntityNotExist.User',
        404,
      );
    });
  });

  describe('UpdateAccessKey', () => {
    test('sets the status of an owned key', async () => {
      const fake = fakeContext(store, root, {
        UserPrincipalName: aliceUpn,
        UserAccessKeyId: alice.accessKeyId,
        Status: 'Inactive',
      });
      assert.deepEqual(await updateAccessKey.handle(fake.context), {});
      assert.equal(fake.changedCalls, 1);
      assert.equal((await store.getAccessKey(accountId, alice.accessKeyId)).status, 'Inactive');
      await call(store, updateAccessKey, root, {
        UserPrincipalName: aliceUpn,
        UserAccessKeyId: alice.accessKeyId,
        Status: 'Active',
      });
    });

    test('validates its parameters', async () => {
      const target = { UserPrincipalName: aliceUpn, UserAccessKeyId: alice.accessKeyId };
      await refusedWith(call(store, updateAccessKey, root, target), 'MissingParameter.Status', 400);
      await refusedWith(
        call(store, updateAccessKey, root, { ...target, Status: 'active' }),
        'InvalidParameter.Status',
        400,
      );
      await refusedWith(
        call(store, updateAccessKey, root, { UserPrincipalName: aliceUpn, Status: 'Active' }),
        'MissingParameter.UserAccessKeyId',
        400,
      );
    });

    test('reaches a key only through its owner', async () => {
      // Without a principal name, root means its own keys: alice's key is not one of them.
      await refusedWith(
        call(store, updateAccessKey, root, { UserAccessKeyId: alice.accessKeyId, Status: 'Inactive' }),
        'EntityNotExist.User.AccessKey',
        404,
      );
      // A user cannot reach root's keys either.
      await refusedWith(
        call(store, updateAccessKey, alice, { UserAccessKeyId: root.accessKeyId, Status: 'Inactive' }),
        'EntityNotExist.User.AccessKey',
        404,
      );
      const other = await newTenant(store);
      await refusedWith(
        call(store, updateAccessKey, other.root, { UserAccessKeyId: root.accessKeyId, Status: 'Inactive' }),
        'EntityNotExist.User.AccessKey',
        404,
      );
      assert.equal((await store.getAccessKey(accountId, root.accessKeyId)).status, 'Active');
      assert.equal((await store.getAccessKey(accountId, alice.accessKeyId)).status, 'Active');
    });
  });

  describe('GetAccessKeyLastUsed', () => {
    test('is empty before the first use, then gives the date and service', async () => {
      const target = { UserPrincipalName: aliceUpn, UserAccessKeyId: alice.accessKeyId };
      assert.deepEqual(await call(store, getAccessKeyLastUsed, root, target), { AccessKeyLastUsed: {} });
      await store.recordAccessKeyUse([
        { accessKeyId: alice.accessKeyId, at: new Date('2026-05-01T01:02:03.999Z'), service: 'Ims' },
      ]);
      const sdk = sdkBody(
        await call(store, getAccessKeyLastUsed, alice, target),
        ims.GetAccessKeyLastUsedResponse,
      );
      assert.equal(sdk.accessKeyLastUsed?.lastUsedDate, '2026-05-01T01:02:03Z');
      assert.equal(sdk.accessKeyLastUsed?.serviceName, 'Ims');
    });

    test('answers for a key of another account as for no key', async () => {
      const other = await newTenant(store);
      await refusedWith(
        call(store, getAccessKeyLastUsed, other.root, { UserAccessKeyId: root.accessKeyId }),
        'EntityNotExist.User.AccessKey',
        404,
      );
    });
  });

  describe('DeleteAccessKey', () => {
    test('deletes an owned key, recording the caller in its policy history', async () => {
      const created = await call(store, createAccessKey, root);
      const id = (created.AccessKey as { AccessKeyId: AccessKeyId }).AccessKeyId;
      const scope = { scope: 'accessKey', accountId, accessKeyId: id } as const;
      await store.write((tx) =>
        tx.setPolicy(scope, '{"Version":1,"Status":"Inactive","Statements":[]}' as CanonicalPolicyJson, {
          actor: 'setup',
        }),
      );
      const fake = fakeContext(store, root, { UserAccessKeyId: id });
      assert.deepEqual(await deleteAccessKey.handle(fake.context), {});
      assert.equal(fake.changedCalls, 1);
      await refusedWith(store.getAccessKey(accountId, id), 'EntityNotExist.User.AccessKey', 404);
      const [removal] = await store.listPolicyHistory(scope);
      assert.equal(removal?.after, null);
      assert.equal(removal?.actor, `acs:ram::${accountId}:root (${root.accessKeyId})`);
      await refusedWith(
        call(store, deleteAccessKey, root, { UserAccessKeyId: id }),
        'EntityNotExist.User.AccessKey',
        404,
      );
    });

    test('never deletes another account’s key', async () => {
      const other = await newTenant(store);
      await refusedWith(
        call(store, deleteAccessKey, other.root, { UserAccessKeyId: root.accessKeyId }),
        'EntityNotExist.User.AccessKey',
        404,
      );
      assert.equal((await store.getAccessKey(accountId, root.accessKeyId)).accessKeyId, root.accessKeyId);
    });
  });
});
