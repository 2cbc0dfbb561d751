import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as ims from '@alicloud/ims20190815';
import { createUser } from '../../../src/server/actions/ims/create-user.js';
import { deleteUser } from '../../../src/server/actions/ims/delete-user.js';
import { getUser } from '../../../src/server/actions/ims/get-user.js';
import { listUsers } from '../../../src/server/actions/ims/list-users.js';
import { updateUser } from '../../../src/server/actions/ims/update-user.js';
import type { AccountId, KeyFenceStore, UserName } from '../../../src/store/index.js';
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

describe('IMS user actions', () => {
  const openTestStore = useTestStores();
  let store: KeyFenceStore;
  let accountId: AccountId;
  let root: RootCaller;
  let upn: (name: string) => string;
  before(async () => {
    store = await openTestStore();
    ({ accountId, root } = await newTenant(store));
    upn = (name) => `${name}@${accountId}.onaliyun.com`;
  });

  describe('CreateUser', () => {
    test('creates a user from its principal name, answering as the SDK model reads it', async () => {
      const fake = fakeContext(store, root, {
        UserPrincipalName: upn('alice'),
        DisplayName: 'Alice',
        Comments: 'ops team',
      });
      const body = await createUser.handle(fake.context);
      assert.equal(fake.changedCalls, 1);
      const user = (await store.getUser(accountId, 'alice' as UserName)).userId;
      assert.deepEqual(body, {
        User: {
          UserPrincipalName: upn('alice'),
          DisplayName: 'Alice',
          UserId: user,
          Comments: 'ops team',
          CreateDate: testDate,
          UpdateDate: testDate,
        },
      });
      const sdk = sdkBody(body, ims.CreateUserResponse);
      assert.equal(sdk.user?.userPrincipalName, upn('alice'));
      assert.equal(sdk.user?.displayName, 'Alice');
      assert.equal(sdk.user?.userId, user);
      assert.equal(sdk.user?.createDate, testDate);
    });

    test('requires the principal name and the display name', async () => {
      const missingName = await refusedWith(
        call(store, createUser, root, { DisplayName: 'x' }),
        'MissingParameter.UserPrincipalName',
        400,
      );
      assert.match(missingName, /"UserPrincipalName"/);
      await refusedWith(
        call(store, createUser, root, { UserPrincipalName: upn('nodisplay'), DisplayName: '' }),
        'MissingParameter.DisplayName',
        400,
      );
    });

    test('refuses malformed and out-of-range values', async () => {
      const cases: [Record<string, string>, string][] = [
        [{ UserPrincipalName: 'alice', DisplayName: 'x' }, 'InvalidParameter.UserPrincipalName'],
        [
          { UserPrincipalName: `has space@${accountId}.onaliyun.com`, DisplayName: 'x' },
          'InvalidParameter.UserPrincipalName',
        ],
        [{ UserPrincipalName: upn('x'.repeat(65)), DisplayName: 'x' }, 'InvalidParameter.UserPrincipalName'],
        [{ UserPrincipalName: upn('ok1'), DisplayName: 'd'.repeat(129) }, 'InvalidParameter.DisplayName'],
        [{ UserPrincipalName: upn('ok1'), DisplayName: 'tab\there' }, 'InvalidParameter.DisplayName'],
        [
          { UserPrincipalName: upn('ok1'), DisplayName: 'x', Comments: 'c'.repeat(129) },
          'InvalidParameter.Comments',
        ],
      ];
      for (const [params, code] of cases) await refusedWith(call(store, createUser, root, params), code, 400);
      await refusedWith(store.getUser(accountId, 'ok1' as UserName), 'EntityNotExist.User', 404);
    });

    test('counts lengths in UTF-16 units, as the store does', async () => {
      const body = await call(store, createUser, root, {
        UserPrincipalName: upn('emoji'),
        DisplayName: '😀'.repeat(64),
      });
      assert.equal((body.User as { DisplayName: string }).DisplayName, '😀'.repeat(64));
      await refusedWith(
        call(store, createUser, root, { UserPrincipalName: upn('emoji2'), DisplayName: '😀'.repeat(65) }),
        'InvalidParameter.DisplayName',
        400,
      );
    });

    test('creates users only in the caller’s own account and domain', async () => {
      const other = await newTenant(store);
      await refusedWith(
        call(store, createUser, root, {
          UserPrincipalName: `intruder@${other.accountId}.onaliyun.com`,
          DisplayName: 'x',
        }),
        'InvalidParameter.UserPrincipalName',
        400,
      );
      const message = await refusedWith(
        call(store, createUser, root, {
          UserPrincipalName: `bob@${accountId}.example.com`,
          DisplayName: 'x',
        }),
        'InvalidParameter.UserPrincipalName',
        400,
      );
      assert.match(message, new RegExp(`${accountId}\\.onaliyun\\.com`));
      // Refused inside the transaction: nothing was created.
      await refusedWith(store.getUser(accountId, 'bob' as UserName), 'EntityNotExist.User', 404);
      // The suffix is compared like a domain name.
      await call(store, createUser, root, {
        UserPrincipalName: `bob@${accountId}.OnAliyun.COM`,
        DisplayName: 'x',
      });
      assert.equal((await store.getUser(accountId, 'bob' as UserName)).userPrincipalName, upn('bob'));
    });

    test('refuses a name that is taken', async () => {
      await call(store, createUser, root, { UserPrincipalName: upn('dup'), DisplayName: 'x' });
      await refusedWith(
        call(store, createUser, root, { UserPrincipalName: upn('dup'), DisplayName: 'y' }),
        'EntityAlreadyExists.User',
        409,
      );
    });
  });

  describe('GetUser', () => {
    let carol: RamUserCaller;
    before(async () => {
      carol = await newRamUser(store, accountId, 'carol');
    });

    test('finds a user by principal name, ID or AccessKey, with UserName', async () => {
      const stored = await store.getUser(accountId, 'carol' as UserName);
      const ways: Record<string, string>[] = [
        { UserPrincipalName: upn('carol') },
        { UserId: stored.userId },
        { UserAccessKeyId: carol.accessKeyId },
      ];
      for (const params of ways) {
        const body = await call(store, getUser, root, params);
        const sdk = sdkBody(body, ims.GetUserResponse);
        assert.equal(sdk.user?.userName, 'carol');
        assert.equal(sdk.user?.userPrincipalName, upn('carol'));
        assert.equal(sdk.user?.userId, stored.userId);
        assert.equal(sdk.user?.updateDate, testDate);
      }
    });

    test('describes the calling RAM user when no user is named', async () => {
      const body = await call(store, getUser, carol);
      assert.equal((body.User as { UserName: string }).UserName, 'carol');
      await refusedWith(call(store, getUser, root), 'MissingParameter.UserPrincipalName', 400);
    });

    test('takes only one way of naming the user', async () => {
      await refusedWith(
        call(store, getUser, root, { UserPrincipalName: upn('carol'), UserId: '1' }),
        'InvalidParameter.UserId',
        400,
      );
    });

    test('answers for unknown users, root keys and other accounts as for nobody', async () => {
      const other = await newTenant(store);
      const stranger = await newRamUser(store, other.accountId, 'carol');
      const strangerId = (await store.getUser(other.accountId, 'carol' as UserName)).userId;
      const cases: [Record<string, string>, string][] = [
        [{ UserPrincipalName: upn('nobody') }, 'EntityNotExist.User'],
        [{ UserPrincipalName: `carol@${other.accountId}.onaliyun.com` }, 'EntityNotExist.User'],
        [{ UserId: strangerId }, 'EntityNotExist.User'],
        [{ UserId: '123' }, 'EntityNotExist.User'],
        [{ UserAccessKeyId: root.accessKeyId }, 'EntityNotExist.User'],
        [{ UserAccessKeyId: stranger.accessKeyId }, 'EntityNotExist.User.AccessKey'],
        [{ UserAccessKeyId: 'not-a-key' }, 'EntityNotExist.User.AccessKey'],
      ];
      for (const [params, code] of cases) await refusedWith(call(store, getUser, root, params), code, 404);
      await refusedWith(call(store, getUser, root, { UserId: 'abc' }), 'InvalidParameter.UserId', 400);
    });
  });

  describe('ListUsers', () => {
    test('pages in name order with Marker and IsTruncated', async () => {
      const { accountId: id, root: owner } = await newTenant(store);
      for (const name of ['u3', 'u1', 'u2']) {
        await call(store, createUser, owner, {
          UserPrincipalName: `${name}@${id}.onaliyun.com`,
          DisplayName: name,
        });
      }
      const first = await call(store, listUsers, owner, { MaxItems: '2' });
      const sdk = sdkBody(first, ims.ListUsersResponse);
      assert.equal(sdk.isTruncated, true);
      assert.equal(sdk.marker, 'u2');
      assert.deepEqual(
        sdk.users?.user?.map((u) => [u.userPrincipalName, u.status, u.createDate]),
        [
          [`u1@${id}.onaliyun.com`, 'Active', testDate],
          [`u2@${id}.onaliyun.com`, 'Active', testDate],
        ],
      );
      const second = sdkBody(
        await call(store, listUsers, owner, { MaxItems: '2', Marker: sdk.marker! }),
        ims.ListUsersResponse,
      );
      assert.equal(second.isTruncated, false);
      assert.equal(second.marker, undefined);
      assert.deepEqual(
        second.users?.user?.map((u) => u.userPrincipalName),
        [`u3@${id}.onaliyun.com`],
      );
      const inactive = sdkBody(
        await call(store, listUsers, owner, { Status: 'Inactive' }),
        ims.ListUsersResponse,
      );
      assert.deepEqual(inactive.users?.user, []);
    });

    test('lists only the caller’s account', async () => {
      const { root: owner } = await newTenant(store);
      const body = sdkBody(await call(store, listUsers, owner), ims.ListUsersResponse);
      assert.deepEqual(body.users?.user, []);
      assert.equal(body.isTruncated, false);
    });

    test('refuses bad paging parameters', async () => {
      for (const value of ['0', '1001', '-1', '1e2', '010', ' 5', 'ten']) {
        await refusedWith(
          call(store, listUsers, root, { MaxItems: value }),
          'InvalidParameter.MaxItems',
          400,
        );
      }
      await refusedWith(call(store, listUsers, root, { Marker: 'a b' }), 'InvalidParameter.Marker', 400);
      await refusedWith(call(store, listUsers, root, { Status: 'active' }), 'InvalidParameter.Status', 400);
    });
  });

  describe('UpdateUser', () => {
    test('changes the display name and comments and renames through a new principal name', async () => {
      await call(store, createUser, root, { UserPrincipalName: upn('dan'), DisplayName: 'Dan' });
      const fake = fakeContext(store, root, {
        UserPrincipalName: upn('dan'),
        NewUserPrincipalName: upn('daniel'),
        NewDisplayName: 'Daniel',
        NewComments: 'renamed',
      });
      const body = await updateUser.handle(fake.context);
      assert.equal(fake.changedCalls, 1);
      const sdk = sdkBody(body, ims.UpdateUserResponse);
      assert.equal(sdk.user?.userPrincipalName, upn('daniel'));
      assert.equal(sdk.user?.displayName, 'Daniel');
      assert.equal(sdk.user?.comments, 'renamed');
      await refusedWith(store.getUser(accountId, 'dan' as UserName), 'EntityNotExist.User', 404);
    });

    test('requires a user to be named and keeps renames inside the account’s domain', async () => {
      await refusedWith(
        call(store, updateUser, root, { NewDisplayName: 'x' }),
        'MissingParameter.UserPrincipalName',
        400,
      );
      await call(store, createUser, root, { UserPrincipalName: upn('erin'), DisplayName: 'Erin' });
      await refusedWith(
        call(store, updateUser, root, {
          UserPrincipalName: upn('erin'),
          NewUserPrincipalName: `erin2@${accountId}.example.com`,
        }),
        'InvalidParameter.NewUserPrincipalName',
        400,
      );
      const other = await newTenant(store);
      await refusedWith(
        call(store, updateUser, root, {
          UserPrincipalName: upn('erin'),
          NewUserPrincipalName: `erin@${other.accountId}.onaliyun.com`,
        }),
        'InvalidParameter.NewUserPrincipalName',
        400,
      );
      await refusedWith(
        call(store, updateUser, root, { UserPrincipalName: upn('erin'), NewDisplayName: 'n'.repeat(129) }),
        'InvalidParameter.NewDisplayName',
        400,
      );
      assert.equal((await store.getUser(accountId, 'erin' as UserName)).displayName, 'Erin');
    });

    test('cannot reach a user of another account', async () => {
      const other = await newTenant(store);
      await newRamUser(store, other.accountId, 'victim');
      await refusedWith(
        call(store, updateUser, root, {
          UserPrincipalName: `victim@${other.accountId}.onaliyun.com`,
          NewDisplayName: 'pwned',
        }),
        'EntityNotExist.User',
        404,
      );
      assert.equal((await store.getUser(other.accountId, 'victim' as UserName)).displayName, 'victim');
    });
  });

  describe('DeleteUser', () => {
    test('deletes a user without keys or policies', async () => {
      await call(store, createUser, root, { UserPrincipalName: upn('gone'), DisplayName: 'Gone' });
      const fake = fakeContext(store, root, { UserPrincipalName: upn('gone') });
      assert.deepEqual(await deleteUser.handle(fake.context), {});
      assert.equal(fake.changedCalls, 1);
      await refusedWith(store.getUser(accountId, 'gone' as UserName), 'EntityNotExist.User', 404);
      await refusedWith(
        call(store, deleteUser, root, { UserPrincipalName: upn('gone') }),
        'EntityNotExist.User',
        404,
      );
    });

    test('is refused while the user has keys or attached policies', async () => {
      const holder = await newRamUser(store, accountId, 'holder');
      await refusedWith(
        call(store, deleteUser, root, { UserPrincipalName: upn('holder') }),
        'DeleteConflict.User.AccessKey',
        409,
      );
      await store.write((tx) => tx.deleteAccessKey(accountId, holder.accessKeyId, { actor: 'test' }));
      await store.write((tx) =>
        tx.attachPolicyToUser(accountId, 'holder' as UserName, {
          policyType: 'System',
          policyName: 'AdministratorAccess',
        }),
      );
      await refusedWith(
        call(store, deleteUser, root, { UserPrincipalName: upn('holder') }),
        'DeleteConflict.User.Policy',
        409,
      );
    });

    test('requires the user to be named, so a caller never deletes itself by omission', async () => {
      const self = await newRamUser(store, accountId, 'self');
      await refusedWith(call(store, deleteUser, self), 'MissingParameter.UserPrincipalName', 400);
    });
  });
});
