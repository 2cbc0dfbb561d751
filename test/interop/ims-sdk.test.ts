/**
 * The generated `@alicloud/ims20190815` client (typed methods, openapi-core underneath, default
 * ACS3 signing) against a real `keyfence serve` process: the user and AccessKey actions.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KeyFenceProcess } from '../support/keyfence-process.js';
import {
  ALIBABA_DATE,
  type Credentials,
  eventually,
  expectSdkError,
  Ims,
  type ImsClient,
  imsClient,
  principalName,
  sdkError,
  stsClient,
} from './support/sdk.js';
import { useKeyFence } from './support/use-keyfence.js';

let server: KeyFenceProcess;
let root: ImsClient;
let bob: string;
let carol: string;
let bobKey: Credentials;
let bobKey2: Credentials;

useKeyFence({}, (started) => {
  server = started;
  root = imsClient(server, server.root);
  bob = principalName('bob', server.root.accountId);
  carol = principalName('carol', server.root.accountId);
});

describe('@alicloud/ims20190815 typed methods', () => {
  test('CreateUser returns the new user', async () => {
    const res = await root.createUser(
      new Ims.CreateUserRequest({ userPrincipalName: bob, displayName: 'Bob', comments: 'interop' }),
    );
    assert.equal(res.statusCode, 200);
    const user = res.body?.user;
    assert.ok(user !== undefined, `CreateUser body has User: ${JSON.stringify(res.body)}`);
    assert.equal(user.userPrincipalName, bob);
    assert.equal(user.displayName, 'Bob');
    assert.equal(user.comments, 'interop');
    assert.ok(typeof user.userId === 'string' && user.userId.length > 0, 'CreateUser returns a UserId');
    assert.match(user.createDate ?? '', ALIBABA_DATE);
    assert.ok(typeof res.body?.requestId === 'string' && res.body.requestId.length > 0, 'RequestId is set');

    const second = await root.createUser(
      new Ims.CreateUserRequest({ userPrincipalName: carol, displayName: 'Carol' }),
    );
    assert.equal(second.body?.user?.userPrincipalName, carol);
  });

  test('CreateUser of an existing name is refused as a client error', async () => {
    const e = await sdkError(
      root.createUser(new Ims.CreateUserRequest({ userPrincipalName: bob, displayName: 'Bob again' })),
      'CreateUser twice',
    );
    assert.equal(e.name, 'ClientError');
    assert.equal(e.code, 'EntityAlreadyExists.User');
    assert.equal(e.statusCode, 409);
  });

  test('GetUser by UserPrincipalName', async () => {
    const res = await root.getUser(new Ims.GetUserRequest({ userPrincipalName: bob }));
    assert.equal(res.body?.user?.userPrincipalName, bob);
    assert.equal(res.body?.user?.displayName, 'Bob');
    assert.match(res.body?.user?.createDate ?? '', ALIBABA_DATE);
  });

  test('UpdateUser changes the display name', async () => {
    const res = await root.updateUser(
      new Ims.UpdateUserRequest({ userPrincipalName: bob, newDisplayName: 'Robert' }),
    );
    assert.equal(res.statusCode, 200);
    const got = await root.getUser(new Ims.GetUserRequest({ userPrincipalName: bob }));
    assert.equal(got.body?.user?.displayName, 'Robert');
  });

  test('ListUsers lists both users (body.users.user[]) and pages with MaxItems / Marker', async () => {
    const all = await root.listUsers(new Ims.ListUsersRequest({}));
    const names = (all.body?.users?.user ?? []).map((u) => u.userPrincipalName).sort();
    assert.deepEqual(names, [bob, carol].sort());
    assert.equal(all.body?.isTruncated, false);

    const first = await root.listUsers(new Ims.ListUsersRequest({ maxItems: 1 }));
    assert.equal(first.body?.users?.user?.length, 1);
    assert.equal(first.body?.isTruncated, true);
    assert.ok(first.body?.marker, `a truncated page has a Marker: ${JSON.stringify(first.body)}`);
    const rest = await root.listUsers(new Ims.ListUsersRequest({ maxItems: 1, marker: first.body.marker }));
    assert.equal(rest.body?.users?.user?.length, 1);
    assert.notEqual(
      rest.body?.users?.user?.[0]?.userPrincipalName,
      first.body.users?.user?.[0]?.userPrincipalName,
    );
  });

  test('CreateAccessKey returns the secret once; a third key is LimitExceeded.User.AccessKey (409)', async () => {
    const one = await root.createAccessKey(new Ims.CreateAccessKeyRequest({ userPrincipalName: bob }));
    const key = one.body?.accessKey;
    assert.ok(
      key?.accessKeyId && key.accessKeySecret,
      `CreateAccessKey returns id and secret: ${JSON.stringify(one.body)}`,
    );
    assert.equal(key.status, 'Active');
    assert.match(key.createDate ?? '', ALIBABA_DATE);
    bobKey = { accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret };

    const two = await root.createAccessKey(new Ims.CreateAccessKeyRequest({ userPrincipalName: bob }));
    const key2 = two.body?.accessKey;
    assert.ok(key2?.accessKeyId && key2.accessKeySecret, 'second key');
    assert.notEqual(key2.accessKeyId, key.accessKeyId);
    bobKey2 = { accessKeyId: key2.accessKeyId, accessKeySecret: key2.accessKeySecret };

    await expectSdkError(
      root.createAccessKey(new Ims.CreateAccessKeyRequest({ userPrincipalName: bob })),
      'third key',
      'LimitExceeded.User.AccessKey',
      409,
    );
  });

  test('ListAccessKeys: body.accessKeys.accessKey[] with status and dates, never the secret', async () => {
    const res = await root.listAccessKeys(new Ims.ListAccessKeysRequest({ userPrincipalName: bob }));
    const keys = res.body?.accessKeys?.accessKey ?? [];
    assert.deepEqual(keys.map((k) => k.accessKeyId).sort(), [bobKey.accessKeyId, bobKey2.accessKeyId].sort());
    for (const k of keys) {
      assert.equal(k.status, 'Active');
      assert.match(k.createDate ?? '', ALIBABA_DATE);
    }
    // The raw body must not carry the secret anywhere.
    assert.ok(
      !JSON.stringify(res.body).includes(bobKey.accessKeySecret),
      'ListAccessKeys never returns an AccessKeySecret',
    );
  });

  test("the user's key signs calls, and GetAccessKeyLastUsed reports the use", async () => {
    const sts = stsClient(server, bobKey);
    const me = await sts.getCallerIdentity();
    assert.equal(me.body?.accountId, server.root.accountId);
    assert.equal(me.body?.identityType, 'RAMUser');
    assert.equal(me.body?.arn, `acs:ram::${server.root.accountId}:user/bob`);

    const used = await eventually(
      'GetAccessKeyLastUsed shows the use (key uses are flushed every second)',
      async () => {
        const res = await root.getAccessKeyLastUsed(
          new Ims.GetAccessKeyLastUsedRequest({
            userPrincipalName: bob,
            userAccessKeyId: bobKey.accessKeyId,
          }),
        );
        const last = res.body?.accessKeyLastUsed;
        return last?.lastUsedDate ? last : undefined;
      },
    );
    assert.match(used.lastUsedDate ?? '', ALIBABA_DATE);
    assert.ok(used.serviceName, `LastUsed names the service: ${JSON.stringify(used)}`);
  });

  test('a RAM user without policies gets NoPermission (403) with AccessDeniedDetail', async () => {
    const asBob = imsClient(server, bobKey);
    const e = await sdkError(asBob.listUsers(new Ims.ListUsersRequest({})), 'ListUsers as bob');
    assert.equal(e.name, 'ClientError');
    assert.equal(e.code, 'NoPermission');
    assert.equal(e.statusCode, 403);
    assert.match(e.message, /^NoPermission: code: 403, /);
    assert.ok(e.accessDeniedDetail, `the SDK reads AccessDeniedDetail: ${JSON.stringify(e.data)}`);
    assert.equal(e.accessDeniedDetail?.AuthAction, 'ram:ListUsers');
  });

  test('UpdateAccessKey Inactive: the key is refused (InvalidAccessKeyId.Inactive) until Active again', async () => {
    await root.updateAccessKey(
      new Ims.UpdateAccessKeyRequest({
        userPrincipalName: bob,
        userAccessKeyId: bobKey2.accessKeyId,
        status: 'Inactive',
      }),
    );
    const listed = await root.listAccessKeys(new Ims.ListAccessKeysRequest({ userPrincipalName: bob }));
    const entry = listed.body?.accessKeys?.accessKey?.find((k) => k.accessKeyId === bobKey2.accessKeyId);
    assert.equal(entry?.status, 'Inactive');
    assert.match(entry?.updateDate ?? '', ALIBABA_DATE);

    await expectSdkError(
      stsClient(server, bobKey2).getCallerIdentity(),
      'call with an Inactive key',
      'InvalidAccessKeyId.Inactive',
      400,
    );

    await root.updateAccessKey(
      new Ims.UpdateAccessKeyRequest({
        userPrincipalName: bob,
        userAccessKeyId: bobKey2.accessKeyId,
        status: 'Active',
      }),
    );
    const me = await stsClient(server, bobKey2).getCallerIdentity();
    assert.equal(me.body?.accountId, server.root.accountId);
  });

  test('UpdateAccessKey with a bad Status is an InvalidParameter-style 400', async () => {
    const e = await sdkError(
      root.updateAccessKey(
        new Ims.UpdateAccessKeyRequest({
          userPrincipalName: bob,
          userAccessKeyId: bobKey2.accessKeyId,
          status: 'Paused',
        }),
      ),
      'UpdateAccessKey Status=Paused',
    );
    assert.equal(e.statusCode, 400);
    assert.match(e.code, /^InvalidParameter/);
  });

  test('DeleteAccessKey: gone from ListAccessKeys; its calls get InvalidAccessKeyId.NotFound (404)', async () => {
    const res = await root.deleteAccessKey(
      new Ims.DeleteAccessKeyRequest({ userPrincipalName: bob, userAccessKeyId: bobKey2.accessKeyId }),
    );
    assert.equal(res.statusCode, 200);
    const listed = await root.listAccessKeys(new Ims.ListAccessKeysRequest({ userPrincipalName: bob }));
    assert.deepEqual(
      (listed.body?.accessKeys?.accessKey ?? []).map((k) => k.accessKeyId),
      [bobKey.accessKeyId],
    );
    await expectSdkError(
      stsClient(server, bobKey2).getCallerIdentity(),
      'call with a deleted key',
      'InvalidAccessKeyId.NotFound',
      404,
    );

    const again = await sdkError(
      root.deleteAccessKey(
        new Ims.DeleteAccessKeyRequest({ userPrincipalName: bob, userAccessKeyId: bobKey2.accessKeyId }),
      ),
      'DeleteAccessKey twice',
    );
    assert.equal(again.code, 'EntityNotExist.User.AccessKey');
    assert.equal(again.statusCode, 404);
  });

  test("GetUser by UserAccessKeyId; ListAccessKeys without UserPrincipalName lists the caller's own keys", async () => {
    const byKey = await root.getUser(new Ims.GetUserRequest({ userAccessKeyId: bobKey.accessKeyId }));
    assert.equal(byKey.body?.user?.userPrincipalName, bob);
    const own = await root.listAccessKeys(new Ims.ListAccessKeysRequest({}));
    assert.deepEqual(
      (own.body?.accessKeys?.accessKey ?? []).map((k) => k.accessKeyId),
      [server.root.accessKeyId],
    );
  });

  test('DeleteUser while the user still has a key is DeleteConflict.User.AccessKey (409)', async () => {
    await expectSdkError(
      root.deleteUser(new Ims.DeleteUserRequest({ userPrincipalName: bob })),
      'DeleteUser',
      'DeleteConflict.User.AccessKey',
      409,
    );
  });

  test('DeleteUser: GetUser then fails with EntityNotExist.User (404)', async () => {
    await root.deleteAccessKey(
      new Ims.DeleteAccessKeyRequest({ userPrincipalName: bob, userAccessKeyId: bobKey.accessKeyId }),
    );
    const res = await root.deleteUser(new Ims.DeleteUserRequest({ userPrincipalName: bob }));
    assert.equal(res.statusCode, 200);
    await expectSdkError(
      root.getUser(new Ims.GetUserRequest({ userPrincipalName: bob })),
      'GetUser of a deleted user',
      'EntityNotExist.User',
      404,
    );
    const listed = await root.listUsers(new Ims.ListUsersRequest({}));
    assert.deepEqual(
      (listed.body?.users?.user ?? []).map((u) => u.userPrincipalName),
      [carol],
    );
  });

  test('authentication failures surface as SDK errors with the Alibaba error codes', async () => {
    const wrongSecret = imsClient(server, {
      accessKeyId: server.root.accessKeyId,
      accessKeySecret: 'not-the-secret',
    });
    const bad = await sdkError(wrongSecret.listUsers(new Ims.ListUsersRequest({})), 'wrong secret');
    assert.equal(bad.code, 'SignatureDoesNotMatch');
    assert.equal(bad.statusCode, 400);
    assert.ok(!bad.message.includes(server.root.accessKeySecret), 'the error never shows the secret');

    const unknown = imsClient(server, {
      accessKeyId: 'LTAI5tNoSuchKeyAnywhere0',
      accessKeySecret: 'whatever',
    });
    const nf = await sdkError(unknown.listUsers(new Ims.ListUsersRequest({})), 'unknown key');
    assert.equal(nf.code, 'InvalidAccessKeyId.NotFound');
    assert.equal(nf.statusCode, 404);
  });

  test('a typed method for an action KeyFence does not serve is a 404 client error', async () => {
    const e = await sdkError(root.getPasswordPolicy(), 'GetPasswordPolicy');
    assert.equal(e.name, 'ClientError');
    assert.equal(e.statusCode, 404);
    assert.equal(e.code, 'InvalidAction.NotFound');
  });
});
