import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { verifyPassword } from '../../../src/auth/password-hash.js';
import { ALL_ACTIONS } from '../../../src/server/actions/index.js';
import type { ConsolePrincipal, UserId, UserName } from '../../../src/store/index.js';
import {
  call,
  createUserKey,
  expectError,
  expectSuccess,
  startTestServer,
} from '../../support/server-harness.js';

// The IMS login profile and security preference actions, through a real server.

const password = 'a long enough password';
const hash = (n: number) => n.toString(16).padStart(64, '0');

describe('IMS console logon actions', async () => {
  const t = await startTestServer({ actions: ALL_ACTIONS, retention: { days: 60 } });
  const other = await startTestServer({ actions: ALL_ACTIONS });
  const small = await startTestServer({ actions: ALL_ACTIONS, console: { logonMaskLimit: 2 } });
  const upn = (name: string) => `${name}@${t.accountId}.onaliyun.com`;
  const bob = await createUserKey(t, 'bob');
  const asRoot = (action: string, params: Record<string, string>) =>
    call(t.port, { action, params, credentials: t.root });

  const openSession = async (n: number, userName: string) => {
    const user = await t.store.getUser(t.accountId, userName as UserName);
    const principal: ConsolePrincipal = {
      type: 'ram-user',
      userId: user.userId as UserId,
      userName: user.userName,
    };
    await t.store.write((tx) =>
      tx.createConsoleSession({
        idHash: hash(n),
        accountId: t.accountId,
        principal,
        expiresAt: new Date(Date.now() + 3_600_000),
        sourceIp: '127.0.0.1',
        userAgent: 'test',
        csrfToken: 'csrf',
        authMethods: ['password'],
      }),
    );
  };

  test('CreateLoginProfile stores a hash of the password and answers the profile', async () => {
    const body = expectSuccess(
      await asRoot('CreateLoginProfile', {
        UserPrincipalName: upn('bob'),
        Password: password,
        PasswordResetRequired: 'true',
      }),
    );
    assert.deepEqual(Object.keys(body.LoginProfile).sort(), [
      'MFABindRequired',
      'PasswordResetRequired',
      'Status',
      'UpdateDate',
      'UserPrincipalName',
    ]);
    assert.equal(body.LoginProfile.UserPrincipalName, upn('bob'));
    assert.equal(body.LoginProfile.PasswordResetRequired, true);
    assert.equal(body.LoginProfile.MFABindRequired, false);
    assert.equal(body.LoginProfile.Status, 'Active');
    const stored = await t.store.loginProfile(t.accountId, 'bob' as UserName);
    assert.match(stored.passwordHash, /^scrypt\$131072\$8\$1\$/);
    assert.equal(await verifyPassword(password, stored.passwordHash), true);
    assert.ok(!JSON.stringify(body).includes(stored.passwordHash));
    expectError(
      await asRoot('CreateLoginProfile', { UserPrincipalName: upn('bob'), Password: password }),
      409,
      'EntityAlreadyExists.User.LoginProfile',
    );
  });

  test('CreateLoginProfile refuses short passwords, unknown users and bad flags', async () => {
    await createUserKey(t, 'carol');
    expectError(
      await asRoot('CreateLoginProfile', { UserPrincipalName: upn('carol'), Password: 'short' }),
      400,
      'InvalidParameter.Password',
    );
    expectError(
      await asRoot('CreateLoginProfile', { UserPrincipalName: upn('carol') }),
      400,
      'MissingParameter.Password',
    );
    expectError(
      await asRoot('CreateLoginProfile', { UserPrincipalName: upn('nobody'), Password: password }),
      404,
      'EntityNotExist.User',
    );
    expectError(
      await asRoot('CreateLoginProfile', {
        UserPrincipalName: upn('carol'),
        Password: password,
        MFABindRequired: 'yes',
      }),
      400,
      'InvalidParameter.MFABindRequired',
    );
    expectError(
      await asRoot('GetLoginProfile', { UserPrincipalName: upn('carol') }),
      404,
      'EntityNotExist.User.LoginProfile',
    );
  });

  test('GetLoginProfile answers the profile, never the hash', async () => {
    const body = expectSuccess(await asRoot('GetLoginProfile', { UserPrincipalName: upn('bob') }));
    assert.equal(body.LoginProfile.UserPrincipalName, upn('bob'));
    assert.equal(body.LoginProfile.Status, 'Active');
    assert.ok(!JSON.stringify(body).includes('scrypt'));
  });

  test('ChangePassword: the user itself, with its old password; ends its console sessions', async () => {
    await t.store.write((tx) =>
      tx.attachPolicyToUser(t.accountId, 'bob' as UserName, {
        policyType: 'System',
        policyName: 'AliyunRAMFullAccess',
      }),
    );
    await t.enforced(await t.store.currentVersion());
    await openSession(1, 'bob');
    const change = (params: Record<string, string>) =>
      call(t.port, { action: 'ChangePassword', params, credentials: bob });
    expectError(
      await change({ OldPassword: 'not the password', NewPassword: 'another long password' }),
      400,
      'InvalidParameter.OldPassword',
    );
    expectError(
      await change({ OldPassword: password, NewPassword: 'short' }),
      400,
      'InvalidParameter.NewPassword',
    );
    assert.ok(await t.store.consoleSession(hash(1)), 'refusals end nothing');
    expectSuccess(await change({ OldPassword: password, NewPassword: 'another long password' }));
    const stored = await t.store.loginProfile(t.accountId, 'bob' as UserName);
    assert.equal(await verifyPassword('another long password', stored.passwordHash), true);
    assert.equal(stored.passwordResetRequired, false);
    assert.equal(await t.store.consoleSession(hash(1)), undefined);
    expectError(
      await call(t.port, {
        action: 'ChangePassword',
        params: { OldPassword: password, NewPassword: 'another long password' },
        credentials: t.root,
      }),
      403,
      'NoPermission.ChangePassword',
    );
  });

  test('ChangePassword is refused while the security preference forbids it', async () => {
    expectSuccess(await asRoot('SetSecurityPreference', { AllowUserToChangePassword: 'false' }));
    expectError(
      await call(t.port, {
        action: 'ChangePassword',
        params: { OldPassword: 'another long password', NewPassword: 'a third long password' },
        credentials: bob,
      }),
      403,
      'NoPermission.ChangePassword',
    );
    expectSuccess(await asRoot('SetSecurityPreference', { AllowUserToChangePassword: 'true' }));
    await t.store.write((tx) =>
      tx.detachPolicyFromUser(t.accountId, 'bob' as UserName, {
        policyType: 'System',
        policyName: 'AliyunRAMFullAccess',
      }),
    );
    await t.enforced(await t.store.currentVersion());
  });

  test('UpdateLoginProfile: disabling or a new password ends the sessions, other changes do not', async () => {
    await openSession(2, 'bob');
    const flags = expectSuccess(
      await asRoot('UpdateLoginProfile', { UserPrincipalName: upn('bob'), MFABindRequired: 'true' }),
    );
    assert.equal(flags.LoginProfile.MFABindRequired, true);
    assert.ok(await t.store.consoleSession(hash(2)));
    const disabled = expectSuccess(
      await asRoot('UpdateLoginProfile', { UserPrincipalName: upn('bob'), Status: 'Inactive' }),
    );
    assert.equal(disabled.LoginProfile.Status, 'Inactive');
    assert.equal(await t.store.consoleSession(hash(2)), undefined);
    await openSession(3, 'bob');
    expectSuccess(
      await asRoot('UpdateLoginProfile', {
        UserPrincipalName: upn('bob'),
        Password: 'reset by the admin 1',
        Status: 'Active',
      }),
    );
    assert.equal(await t.store.consoleSession(hash(3)), undefined);
    expectError(
      await asRoot('UpdateLoginProfile', { UserPrincipalName: upn('bob'), Status: 'Disabled' }),
      400,
      'InvalidParameter.Status',
    );
    expectError(
      await asRoot('UpdateLoginProfile', { UserPrincipalName: upn('carol'), Status: 'Active' }),
      404,
      'EntityNotExist.User.LoginProfile',
    );
  });

  test('DeleteLoginProfile removes the profile and ends the sessions', async () => {
    await openSession(4, 'bob');
    expectSuccess(await asRoot('DeleteLoginProfile', { UserPrincipalName: upn('bob') }));
    assert.equal(await t.store.consoleSession(hash(4)), undefined);
    expectError(
      await asRoot('DeleteLoginProfile', { UserPrincipalName: upn('bob') }),
      404,
      'EntityNotExist.User.LoginProfile',
    );
  });

  test('a RAM user without the permission is refused the login profile actions', async () => {
    expectError(
      await call(t.port, {
        action: 'GetLoginProfile',
        params: { UserPrincipalName: upn('bob') },
        credentials: bob,
      }),
      403,
      'NoPermission',
    );
  });

  test('GetSecurityPreference answers the defaults, in the SDK structure', async () => {
    const body = expectSuccess(
      await call(other.port, { action: 'GetSecurityPreference', credentials: other.root }),
    );
    assert.deepEqual(body.SecurityPreference, {
      LoginProfilePreference: {
        LoginSessionDuration: 6,
        AllowUserToChangePassword: true,
        LoginNetworkMasks: '',
      },
      AccessKeyPreference: { AllowUserToManageAccessKeys: false },
      KeyFencePreference: { AccessKeyRotationDays: 90, ImpactPreviewDays: 30 },
    });
  });

  test('SetSecurityPreference changes what is given, keeps the rest, canonicalises the masks', async () => {
    const body = expectSuccess(
      await asRoot('SetSecurityPreference', {
        LoginSessionDuration: '12',
        AllowUserToManageAccessKeys: 'true',
        LoginNetworkMasks: '192.0.2.1/24, 2001:DB8::/32;; 198.51.100.7 ::ffff:10.0.0.0/104 192.0.2.0/24',
        AccessKeyRotationDays: '150',
        ImpactPreviewDays: '60',
      }),
    );
    assert.deepEqual(body.SecurityPreference, {
      LoginProfilePreference: {
        LoginSessionDuration: 12,
        AllowUserToChangePassword: true,
        LoginNetworkMasks: '192.0.2.0/24;2001:db8::/32;198.51.100.7;10.0.0.0/8',
      },
      AccessKeyPreference: { AllowUserToManageAccessKeys: true },
      KeyFencePreference: { AccessKeyRotationDays: 150, ImpactPreviewDays: 60 },
    });
    const kept = expectSuccess(await asRoot('SetSecurityPreference', { LoginSessionDuration: '3' }));
    assert.equal(
      kept.SecurityPreference.LoginProfilePreference.LoginNetworkMasks,
      body.SecurityPreference.LoginProfilePreference.LoginNetworkMasks,
    );
    assert.equal(kept.SecurityPreference.KeyFencePreference.AccessKeyRotationDays, 150);
    const cleared = expectSuccess(await asRoot('SetSecurityPreference', { LoginNetworkMasks: '' }));
    assert.equal(cleared.SecurityPreference.LoginProfilePreference.LoginNetworkMasks, '');
    assert.deepEqual(
      expectSuccess(await asRoot('GetSecurityPreference', {})).SecurityPreference,
      cleared.SecurityPreference,
    );
    const [change] = (await t.store.changesSince((await t.store.currentVersion()) - 1)).filter(
      (c) => c.kind === 'security-preference.set',
    );
    assert.ok(change, 'recorded in the change log');
  });

  test('SetSecurityPreference refuses bad values, and changes nothing then', async () => {
    const before = expectSuccess(await asRoot('GetSecurityPreference', {})).SecurityPreference;
    const cases: [Record<string, string>, string][] = [
      [{ LoginSessionDuration: '0' }, 'InvalidParameter.LoginSessionDuration'],
      [{ LoginSessionDuration: '25' }, 'InvalidParameter.LoginSessionDuration'],
      [{ AllowUserToChangePassword: 'TRUE' }, 'InvalidParameter.AllowUserToChangePassword'],
      [{ AccessKeyRotationDays: '3651' }, 'InvalidParameter.AccessKeyRotationDays'],
      [{ ImpactPreviewDays: '61' }, 'InvalidParameter.ImpactPreviewDays'],
      [
        { LoginNetworkMasks: '203.0.113.1, 127.1', LoginSessionDuration: '2' },
        'InvalidParameter.LoginNetworkMasks',
      ],
      [{ LoginNetworkMasks: '10.0.0.0/33' }, 'InvalidParameter.LoginNetworkMasks'],
      [{ LoginNetworkMasks: `${'1.2.3.4;'.repeat(64)}1.2.3.4` }, 'InvalidParameter.LoginNetworkMasks'],
      [
        { LoginNetworkMasks: Array.from({ length: 41 }, (_, i) => `10.0.${i}.0/24`).join(';') },
        'InvalidParameter.LoginNetworkMasks',
      ],
    ];
    for (const [params, code] of cases) expectError(await asRoot('SetSecurityPreference', params), 400, code);
    const masks = expectError(
      await asRoot('SetSecurityPreference', { LoginNetworkMasks: '203.0.113.1, 127.1' }),
      400,
      'InvalidParameter.LoginNetworkMasks',
    );
    assert.match(masks.Message, /"127\.1"/);
    assert.deepEqual(
      masks.LogonMaskProblems.map((p: { Entry?: string }) => p.Entry),
      ['127.1'],
    );
    assert.deepEqual(expectSuccess(await asRoot('GetSecurityPreference', {})).SecurityPreference, before);
  });

  test('the logon mask limit is the configured one', async () => {
    const set = (masks: string) =>
      call(small.port, {
        action: 'SetSecurityPreference',
        params: { LoginNetworkMasks: masks },
        credentials: small.root,
      });
    expectSuccess(await set('10.0.0.0/8 192.0.2.0/24'));
    expectError(
      await set('10.0.0.0/8 192.0.2.0/24 198.51.100.0/24'),
      400,
      'InvalidParameter.LoginNetworkMasks',
    );
  });
});
