/**
 * The generated `@alicloud/ims20190815` client against a real `keyfence serve` process: the login
 * profile and security preference actions, read back through the SDK's own models.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KeyFenceProcess } from '../support/keyfence-process.js';
import {
  ALIBABA_DATE,
  expectSdkError,
  Ims,
  type ImsClient,
  imsClient,
  principalName,
} from './support/sdk.js';
import { useKeyFence } from './support/use-keyfence.js';

let server: KeyFenceProcess;
let root: ImsClient;
let dana: string;

useKeyFence({}, async (started) => {
  server = started;
  root = imsClient(server, server.root);
  dana = principalName('dana', server.root.accountId);
  await root.createUser(new Ims.CreateUserRequest({ userPrincipalName: dana, displayName: 'Dana' }));
});

describe('@alicloud/ims20190815: console logon', () => {
  test('CreateLoginProfile and GetLoginProfile read back through the SDK models', async () => {
    const created = await root.createLoginProfile(
      new Ims.CreateLoginProfileRequest({
        userPrincipalName: dana,
        password: 'interop password 1',
        passwordResetRequired: true,
        MFABindRequired: false,
      }),
    );
    assert.equal(created.statusCode, 200);
    assert.equal(created.body?.loginProfile?.userPrincipalName, dana);
    assert.equal(created.body?.loginProfile?.passwordResetRequired, true);
    assert.equal(created.body?.loginProfile?.MFABindRequired, false);
    assert.equal(created.body?.loginProfile?.status, 'Active');
    assert.match(created.body?.loginProfile?.updateDate ?? '', ALIBABA_DATE);

    const got = await root.getLoginProfile(new Ims.GetLoginProfileRequest({ userPrincipalName: dana }));
    assert.equal(got.body?.loginProfile?.userPrincipalName, dana);
    assert.equal(got.body?.loginProfile?.passwordResetRequired, true);
    assert.equal(got.body?.loginProfile?.status, 'Active');
    assert.ok(typeof got.body?.requestId === 'string' && got.body.requestId.length > 0);

    await expectSdkError(
      root.createLoginProfile(
        new Ims.CreateLoginProfileRequest({ userPrincipalName: dana, password: 'interop password 1' }),
      ),
      'CreateLoginProfile twice',
      'EntityAlreadyExists.User.LoginProfile',
      409,
    );
  });

  test('SetSecurityPreference and GetSecurityPreference read back through the SDK models', async () => {
    const defaults = await root.getSecurityPreference();
    assert.equal(defaults.body?.securityPreference?.loginProfilePreference?.loginSessionDuration, 6);
    assert.equal(defaults.body?.securityPreference?.loginProfilePreference?.loginNetworkMasks, '');

    const set = await root.setSecurityPreference(
      new Ims.SetSecurityPreferenceRequest({
        loginSessionDuration: 8,
        allowUserToChangePassword: false,
        allowUserToManageAccessKeys: true,
        loginNetworkMasks: '192.0.2.1/24;198.51.100.0/24',
      }),
    );
    const preference = set.body?.securityPreference;
    assert.equal(preference?.loginProfilePreference?.loginSessionDuration, 8);
    assert.equal(preference?.loginProfilePreference?.allowUserToChangePassword, false);
    assert.equal(preference?.loginProfilePreference?.loginNetworkMasks, '192.0.2.0/24;198.51.100.0/24');
    assert.equal(preference?.accessKeyPreference?.allowUserToManageAccessKeys, true);

    const got = await root.getSecurityPreference();
    assert.deepEqual(got.body?.securityPreference?.toMap(), preference?.toMap());

    await expectSdkError(
      root.setSecurityPreference(new Ims.SetSecurityPreferenceRequest({ loginNetworkMasks: '127.1' })),
      'a malformed mask',
      'InvalidParameter.LoginNetworkMasks',
      400,
    );
    const cleared = await root.setSecurityPreference(
      new Ims.SetSecurityPreferenceRequest({ loginNetworkMasks: '' }),
    );
    assert.equal(cleared.body?.securityPreference?.loginProfilePreference?.loginNetworkMasks, '');
  });
});
