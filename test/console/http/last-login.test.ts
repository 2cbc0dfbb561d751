import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { call, expectSuccess } from '../../support/server-harness.js';
import {
  browserHeaders,
  consoleUser,
  post,
  ROOT_PASSWORD,
  signIn,
  startConsoleServer,
} from './console-server.js';

// A RAM user's last successful console sign-in, answered as IMS's User.LastLoginDate by GetUser
// and ListUsers: absent until the first sign-in, unchanged by a failed one.

describe('LastLoginDate of a RAM user', async () => {
  const t = await startConsoleServer();
  const erin = await consoleUser(t, 'erin', 'erin password 12');
  const asRoot = (action: string, params: Record<string, string> = {}) =>
    call(t.port, { action, params, credentials: t.root });
  const getUser = async () => expectSuccess(await asRoot('GetUser', { UserPrincipalName: erin })).User;
  const listed = async () =>
    expectSuccess(await asRoot('ListUsers')).Users.User.find(
      (u: { UserPrincipalName: string }) => u.UserPrincipalName === erin,
    );

  test('absent while the user never signed in; a failed sign-in records nothing', async () => {
    const failed = await post(
      t.port,
      '/console/api/signin',
      { Principal: erin, Password: 'not the password' },
      browserHeaders(t.port),
    );
    assert.equal(failed.status, 401);
    assert.equal((await getUser()).LastLoginDate, undefined);
    assert.equal((await listed()).LastLoginDate, undefined);
  });

  test('the time of the last successful sign-in, in GetUser and ListUsers', async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    await signIn(t, erin, 'erin password 12');
    const first = (await getUser()).LastLoginDate;
    assert.match(first, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(Date.parse(first) >= before && Date.parse(first) <= Date.now());
    assert.equal((await listed()).LastLoginDate, first);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await signIn(t, erin, 'erin password 12');
    assert.ok(Date.parse((await getUser()).LastLoginDate) > Date.parse(first), 'the later sign-in');
  });

  test('root signing in records nothing on any user', async () => {
    const { accountId } = t;
    const before = (await getUser()).LastLoginDate;
    await signIn(t, accountId, ROOT_PASSWORD);
    assert.equal((await getUser()).LastLoginDate, before);
  });
});
