import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { UserName } from '../../../src/store/index.js';
import { send } from '../../support/server-harness.js';
import {
  consoleUser,
  consoleWrite,
  ROOT_PASSWORD,
  type Signed,
  signIn,
  startConsoleServer,
} from './console-server.js';

const ACTIONS = '/console/api/actions';

// "Must reset password at next logon": the session exists, but may only change the password.
describe('a RAM user whose login profile requires a password reset', async () => {
  const t = await startConsoleServer();
  const mustReset = async (name: string): Promise<string> => {
    const upn = await consoleUser(t, name, `${name} password 1`, ['AliyunRAMFullAccess']);
    await t.store.write((tx) =>
      tx.updateLoginProfile(t.accountId, name as UserName, { passwordResetRequired: true }),
    );
    return upn;
  };
  const session = (s: Signed) =>
    send(t.port, { path: '/console/api/session', headers: { cookie: s.cookie } });
  const changePassword = (s: Signed, from: string, to: string) =>
    consoleWrite(t, s, `${ACTIONS}/Ims/ChangePassword`, { OldPassword: from, NewPassword: to });
  const refusedForReset = (reply: { status: number; body: { Code?: string } }) => {
    assert.equal(reply.status, 403, JSON.stringify(reply.body));
    assert.equal(reply.body.Code, 'ConsolePasswordResetRequired');
  };

  test('signs in; the session says so and offers nothing', async () => {
    const upn = await mustReset('ann');
    const ann = await signIn(t, upn, 'ann password 1');
    assert.equal(ann.reply.body.PasswordResetRequired, true);
    assert.deepEqual(ann.reply.body.Permissions, []);
    const read = await session(ann);
    assert.equal(read.status, 200);
    assert.equal(read.body.PasswordResetRequired, true);
    assert.equal(read.body.CsrfToken, ann.csrf);
  });

  test('every other action and operation is refused, reads included; nothing is written', async () => {
    const upn = await mustReset('ben');
    const ben = await signIn(t, upn, 'ben password 1');
    refusedForReset(await consoleWrite(t, ben, `${ACTIONS}/Ims/ListUsers`, {}));
    refusedForReset(await consoleWrite(t, ben, `${ACTIONS}/Ims/GetSecurityPreference`, {}));
    refusedForReset(await consoleWrite(t, ben, '/console/api/root-access-keys/acknowledge', {}));
    refusedForReset(
      await consoleWrite(t, ben, `${ACTIONS}/Ims/CreateUser`, {
        UserPrincipalName: `mallory@${t.accountId}.onaliyun.com`,
      }),
    );
    const names = (await t.store.listUsers(t.accountId)).map((user) => user.userName as string);
    assert.ok(!names.includes('mallory'));
    // The CSRF token is still checked first: a forged request learns nothing of the session.
    const forged = await consoleWrite(t, ben, `${ACTIONS}/Ims/ListUsers`, {}, { 'x-keyfence-csrf': 'x' });
    assert.equal(forged.body.Code, 'ConsoleCsrfRejected');
  });

  test('ChangePassword clears the flag on the profile and the session, which then works', async () => {
    const upn = await mustReset('cat');
    const cat = await signIn(t, upn, 'cat password 1');
    const other = await signIn(t, upn, 'cat password 1');
    const changed = await changePassword(cat, 'cat password 1', 'cat password 2');
    assert.equal(changed.status, 200, changed.text);
    const profile = await t.store.loginProfile(t.accountId, 'cat' as UserName);
    assert.equal(profile.passwordResetRequired, false);
    const read = await session(cat);
    assert.equal(read.body.PasswordResetRequired, false);
    assert.ok(read.body.Permissions.includes('ram:ListUsers'));
    const list = await consoleWrite(t, cat, `${ACTIONS}/Ims/ListUsers`, {});
    assert.equal(list.status, 200, list.text);
    // The user's other sessions end, as with any password change.
    assert.equal((await session(other)).status, 401);
  });

  test('signing out is allowed', async () => {
    const upn = await mustReset('dan');
    const dan = await signIn(t, upn, 'dan password 1');
    const out = await consoleWrite(t, dan, '/console/api/signout', {});
    assert.equal(out.status, 200, out.text);
    assert.equal((await session(dan)).status, 401);
  });

  test('the reset is possible even where users may not change their passwords', async () => {
    const upn = await mustReset('eva');
    const root = await signIn(t, t.accountId, ROOT_PASSWORD);
    const deny = await consoleWrite(t, root, `${ACTIONS}/Ims/SetSecurityPreference`, {
      AllowUserToChangePassword: 'false',
    });
    assert.equal(deny.status, 200, deny.text);
    try {
      const eva = await signIn(t, upn, 'eva password 1');
      const changed = await changePassword(eva, 'eva password 1', 'eva password 2');
      assert.equal(changed.status, 200, changed.text);
      // Once reset, the preference holds again.
      const again = await changePassword(eva, 'eva password 2', 'eva password 3');
      assert.equal(again.body.Code, 'NoPermission.ChangePassword');
    } finally {
      await consoleWrite(t, root, `${ACTIONS}/Ims/SetSecurityPreference`, {
        AllowUserToChangePassword: 'true',
      });
    }
  });

  test('set by an administrator while the user is signed in, it holds from the next request', async () => {
    const upn = await consoleUser(t, 'fay', 'fay password 1', ['AliyunRAMReadOnlyAccess']);
    const fay = await signIn(t, upn, 'fay password 1');
    assert.equal(fay.reply.body.PasswordResetRequired, false);
    assert.equal((await consoleWrite(t, fay, `${ACTIONS}/Ims/ListUsers`, {})).status, 200);
    const root = await signIn(t, t.accountId, ROOT_PASSWORD);
    const set = await consoleWrite(t, root, `${ACTIONS}/Ims/UpdateLoginProfile`, {
      UserPrincipalName: upn,
      PasswordResetRequired: 'true',
    });
    assert.equal(set.status, 200, set.text);
    refusedForReset(await consoleWrite(t, fay, `${ACTIONS}/Ims/ListUsers`, {}));
    assert.equal((await session(fay)).body.PasswordResetRequired, true);
  });

  test('root sessions never carry it', async () => {
    const root: Signed = await signIn(t, t.accountId, ROOT_PASSWORD);
    assert.equal(root.reply.body.PasswordResetRequired, false);
  });
});
