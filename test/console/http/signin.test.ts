import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { send } from '../../support/server-harness.js';
import {
  browserHeaders,
  consoleUser,
  consoleWrite,
  lookupEvents,
  post,
  ROOT_PASSWORD,
  signIn,
  startConsoleServer,
} from './console-server.js';

const GENERIC = 'The account, user or password is wrong.';

describe('console sign-in', async () => {
  const t = await startConsoleServer();
  const alice = await consoleUser(t, 'alice', 'alice password 1', ['AliyunRAMReadOnlyAccess']);
  const signin = (principal: string, password: string, extra: Record<string, string> = {}) =>
    post(
      t.port,
      '/console/api/signin',
      { Principal: principal, Password: password },
      browserHeaders(t.port, extra),
    );

  test('root by account ID: the session, a cookie JS cannot read, a new ID each time', async () => {
    const first = await signIn(t, t.accountId, ROOT_PASSWORD);
    const cookie = first.reply.headers['set-cookie']![0]!;
    assert.match(cookie, /^kf_session=[A-Za-z0-9_-]{43}; Path=\/console; HttpOnly; SameSite=Strict$/);
    const body = first.reply.body;
    assert.equal(body.AccountId, t.accountId);
    assert.deepEqual(body.Identity, { Type: 'root' });
    assert.ok(body.Permissions.includes('ram:CreateUser'));
    assert.ok(body.Permissions.includes('actiontrail:LookupEvents'));
    assert.equal(body.ClientIp, '127.0.0.1');
    assert.equal(body.RootAccessKeyAcknowledged, false);
    assert.equal(body.NodeStale, false);
    assert.equal(typeof body.NodeId, 'string');
    assert.deepEqual(body.PolicyLimits, { MaxStatements: 8, MaxEntriesPerStatement: 50 });
    assert.equal(body.RotationDays, 90);
    assert.equal(body.PreviewWindowDays, 30);
    assert.equal(body.RetentionDays, 90);
    assert.equal(first.reply.headers['cache-control'], 'no-store');
    assert.ok(!JSON.stringify(body).includes(t.root.accessKeySecret));
    const second = await signIn(t, t.accountId, ROOT_PASSWORD);
    assert.notEqual(second.cookie, first.cookie);
    const session = await send(t.port, { path: '/console/api/session', headers: { cookie: first.cookie } });
    assert.equal(session.status, 200);
    assert.equal(session.body.CsrfToken, first.csrf);
  });

  test('a RAM user by UPN, with what its policies allow', async () => {
    const { reply } = await signIn(t, alice, 'alice password 1');
    assert.deepEqual(reply.body.Identity, { Type: 'ram-user', UserName: 'alice', UserPrincipalName: alice });
    assert.ok(reply.body.Permissions.includes('ram:ListUsers'));
    assert.ok(!reply.body.Permissions.includes('ram:CreateUser'));
  });

  test('one generic error for every failure, and each attempt audited with its reason', async () => {
    await consoleUser(t, 'bob', 'bob password 12');
    await t.store.write((tx) => tx.updateLoginProfile(t.accountId, 'bob' as never, { status: 'Inactive' }));
    const cases = [
      [t.accountId, 'wrong password!'],
      ['9999999999999999', ROOT_PASSWORD],
      [`nobody@${t.accountId}.onaliyun.com`, 'whatever password'],
      [`bob@${t.accountId}.onaliyun.com`, 'bob password 12'],
      ['not a principal', 'x'],
    ] as const;
    for (const [principal, password] of cases) {
      const reply = await signin(principal, password, { 'x-forwarded-for': '198.51.100.50' });
      assert.equal(reply.status, 401, principal);
      assert.equal(reply.body.Code, 'ConsoleSigninFailed');
      assert.equal(reply.body.Message, GENERIC);
      assert.equal(reply.headers['set-cookie'], undefined);
    }
    const events = await lookupEvents(t, 'ConsoleSignin');
    const codes = events.map((event) => event.errorCode);
    for (const code of [
      'ConsoleSigninFailed.WrongPassword',
      'ConsoleSigninFailed.UnknownUser',
      'ConsoleSigninFailed.LoginProfileInactive',
      null,
    ]) {
      assert.ok(codes.includes(code), `${code} in ${JSON.stringify(codes)}`);
    }
    const event = events.find((e) => e.errorCode === null)!;
    assert.equal(event.eventType, 'ConsoleSignin');
    assert.equal(event.userIdentity.accessKeyId, null);
    assert.ok(!JSON.stringify(events).includes('wrong password!'));
    assert.ok(!JSON.stringify(events).includes(ROOT_PASSWORD));
  });

  test('five failures for one principal: the next attempt waits, and says how long', async () => {
    const carol = await consoleUser(t, 'carol', 'carol password 1');
    for (let i = 0; i < 5; i++) {
      assert.equal(
        (await signin(carol, `wrong ${i} password`, { 'x-forwarded-for': '192.0.2.10' })).status,
        401,
      );
    }
    const throttled = await signin(carol, 'carol password 1', { 'x-forwarded-for': '192.0.2.11' });
    assert.equal(throttled.status, 429);
    assert.equal(throttled.body.Code, 'ConsoleSigninThrottled');
    assert.ok(throttled.body.RetryAfterSeconds > 0);
    // Another principal from another address is not held back.
    assert.equal((await signin(alice, 'alice password 1', { 'x-forwarded-for': '192.0.2.12' })).status, 200);
  });

  test('twenty failures from one address hold back every principal from it', async () => {
    for (let i = 0; i < 20; i++) {
      await signin(`u${i}@${t.accountId}.onaliyun.com`, 'some password here', {
        'x-forwarded-for': '203.0.113.99',
      });
    }
    const reply = await signin(alice, 'alice password 1', { 'x-forwarded-for': '203.0.113.99' });
    assert.equal(reply.status, 429);
  });

  test('over TLS from a trusted proxy: the __Host- cookie, Secure, Path=/', async () => {
    const reply = await post(
      t.port,
      '/console/api/signin',
      { Principal: t.accountId, Password: ROOT_PASSWORD },
      { ...browserHeaders(t.port), origin: `https://127.0.0.1:${t.port}`, 'x-forwarded-proto': 'https' },
    );
    assert.equal(reply.status, 200, reply.text);
    assert.match(
      reply.headers['set-cookie']![0]!,
      /^__Host-kf_session=[A-Za-z0-9_-]{43}; Path=\/; Secure; HttpOnly; SameSite=Strict$/,
    );
  });
});

describe('the logon mask', async () => {
  const t = await startConsoleServer();
  await t.store.write((tx) =>
    tx.setSecurityPreference(t.accountId, {
      loginSessionDuration: 6,
      allowUserToChangePassword: true,
      allowUserToManageAccessKeys: false,
      loginNetworkMasks: '203.0.113.0/24',
      accessKeyRotationDays: 90,
      impactPreviewDays: 30,
    }),
  );

  test('sign-in from outside it is refused with the caller’s address, once the password matched', async () => {
    const outside = await post(
      t.port,
      '/console/api/signin',
      { Principal: t.accountId, Password: ROOT_PASSWORD },
      browserHeaders(t.port, { 'x-forwarded-for': '198.51.100.7' }),
    );
    assert.equal(outside.status, 403);
    assert.equal(outside.body.Code, 'ConsoleLogonMaskDenied');
    assert.equal(
      outside.body.Message,
      "Sign-in from 198.51.100.7 is not allowed by this account's logon mask.",
    );
    const wrong = await post(
      t.port,
      '/console/api/signin',
      { Principal: t.accountId, Password: 'not the password' },
      browserHeaders(t.port, { 'x-forwarded-for': '198.51.100.8' }),
    );
    assert.equal(wrong.body.Code, 'ConsoleSigninFailed');
  });

  test('checked on every request: from outside, the session ends', async () => {
    const session = await signIn(t, t.accountId, ROOT_PASSWORD, { 'x-forwarded-for': '203.0.113.9' });
    const inside = await send(t.port, {
      path: '/console/api/session',
      headers: { cookie: session.cookie, 'x-forwarded-for': '203.0.113.9' },
    });
    assert.equal(inside.status, 200);
    const outside = await send(t.port, {
      path: '/console/api/session',
      headers: { cookie: session.cookie, 'x-forwarded-for': '198.51.100.7' },
    });
    assert.equal(outside.status, 401);
    assert.equal(outside.body.Code, 'ConsoleLogonMaskDenied');
    const after = await send(t.port, {
      path: '/console/api/session',
      headers: { cookie: session.cookie, 'x-forwarded-for': '203.0.113.9' },
    });
    assert.equal(after.status, 401);
    assert.equal(after.body.Code, 'ConsoleSessionRequired');
  });

  test('AccessKey calls are not subject to it', async () => {
    const { call } = await import('../../support/server-harness.js');
    const reply = await call(t.port, {
      action: 'GetCallerIdentity',
      version: '2015-04-01',
      credentials: t.root,
      headers: { 'x-forwarded-for': '198.51.100.7' },
    });
    assert.equal(reply.status, 200, reply.text);
  });

  test('SetSecurityPreference from a session refuses masks excluding it, unless acknowledged', async () => {
    const session = await signIn(t, t.accountId, ROOT_PASSWORD, { 'x-forwarded-for': '203.0.113.9' });
    const refused = await consoleWrite(
      t,
      session,
      '/console/api/actions/Ims/SetSecurityPreference',
      { LoginNetworkMasks: '192.0.2.0/24' },
      { 'x-forwarded-for': '203.0.113.9' },
    );
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.body.Code, 'ConsoleLockoutPrevented');
    assert.equal((await t.store.securityPreference(t.accountId)).loginNetworkMasks, '203.0.113.0/24');
    const including = await consoleWrite(
      t,
      session,
      '/console/api/actions/Ims/SetSecurityPreference',
      { LoginNetworkMasks: '203.0.113.0/24; 192.0.2.0/24' },
      { 'x-forwarded-for': '203.0.113.9' },
    );
    assert.equal(including.status, 200, including.text);
    const acknowledged = await consoleWrite(
      t,
      session,
      '/console/api/actions/Ims/SetSecurityPreference',
      { LoginNetworkMasks: '192.0.2.0/24', AcknowledgeConsoleLockout: 'true' },
      { 'x-forwarded-for': '203.0.113.9' },
    );
    assert.equal(acknowledged.status, 200, acknowledged.text);
    assert.equal((await t.store.securityPreference(t.accountId)).loginNetworkMasks, '192.0.2.0/24');
    const locked = await send(t.port, {
      path: '/console/api/session',
      headers: { cookie: session.cookie, 'x-forwarded-for': '203.0.113.9' },
    });
    assert.equal(locked.body.Code, 'ConsoleLogonMaskDenied');
  });
});

describe('first run: the setup link', async () => {
  const t = await startConsoleServer({ rootPassword: false });

  test('sets the root password once, and signs root in', async () => {
    const before = await send(t.port, { path: '/console/api/session' });
    assert.equal(before.body.SetupRequired, true);
    const links = await t.server.issueConsoleSetupLinks();
    assert.equal(links.length, 1);
    assert.equal(links[0]!.accountId, t.accountId);
    const match = /^http:\/\/127\.0\.0\.1:\d+\/console\/setup#([A-Za-z0-9_-]{43})$/.exec(links[0]!.url);
    assert.ok(match, links[0]!.url);
    const token = match[1]!;
    const short = await post(
      t.port,
      '/console/api/setup',
      { Token: token, Password: 'short' },
      browserHeaders(t.port),
    );
    assert.equal(short.status, 400);
    assert.equal(short.body.Code, 'ConsolePasswordTooShort');
    const set = await post(
      t.port,
      '/console/api/setup',
      { Token: token, Password: 'a fine root password' },
      browserHeaders(t.port),
    );
    assert.equal(set.status, 200, set.text);
    assert.deepEqual(set.body.Identity, { Type: 'root' });
    assert.match(set.headers['set-cookie']![0]!, /HttpOnly; SameSite=Strict$/);
    const again = await post(
      t.port,
      '/console/api/setup',
      { Token: token, Password: 'another root password' },
      browserHeaders(t.port),
    );
    assert.equal(again.status, 400);
    assert.equal(again.body.Code, 'ConsoleSetupTokenInvalid');
    await signIn(t, t.accountId, 'a fine root password');
    assert.deepEqual(await t.server.issueConsoleSetupLinks(), []);
  });
});
