import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { UserName } from '../../../src/store/index.js';
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

const CREATE = '/console/api/actions/Ims/CreateUser';

// F14: a write that is refused leaves nothing behind, neither a change nor an operation event.
describe('console writes that must not happen', async () => {
  const t = await startConsoleServer();
  const upn = (name: string) => `${name}@${t.accountId}.onaliyun.com`;
  const users = async () => (await t.store.listUsers(t.accountId)).map((user) => user.userName as string);
  const refusedWithNothingWritten = async (
    reply: { status: number; body: { Code?: string } },
    status: number,
    code: string,
    name: string,
  ) => {
    assert.equal(reply.status, status, JSON.stringify(reply.body));
    assert.equal(reply.body.Code, code);
    assert.ok(!(await users()).includes(name), `${name} was created`);
  };

  test('a session writes through the RPC API’s handler, audited as ConsoleOperation', async () => {
    const root = await signIn(t, t.accountId, ROOT_PASSWORD);
    const reply = await consoleWrite(t, root, CREATE, {
      UserPrincipalName: upn('dave'),
      DisplayName: 'dave',
    });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.User.UserPrincipalName, upn('dave'));
    assert.equal(typeof reply.body.RequestId, 'string');
    assert.equal(reply.headers['cache-control'], 'no-store');
    const [event] = await lookupEvents(t, 'CreateUser');
    assert.ok(event, 'CreateUser event');
    assert.equal(event.eventType, 'ConsoleOperation');
    assert.equal(event.requestId, reply.body.RequestId);
    assert.equal(event.userIdentity.type, 'root-account');
    assert.equal(event.userIdentity.accessKeyId, null);
    assert.match(event.userIdentity.consoleSessionId, /^[0-9a-f]{64}$/);
    assert.equal(event.keyfence.entryPoint, 'console');
  });

  test('a cross-origin POST', async () => {
    const root = await signIn(t, t.accountId, ROOT_PASSWORD);
    const reply = await consoleWrite(
      t,
      root,
      CREATE,
      { UserPrincipalName: upn('eve1'), DisplayName: 'eve1' },
      { origin: 'https://evil.example' },
    );
    await refusedWithNothingWritten(reply, 403, 'ConsoleOriginRejected', 'eve1');
    const noOrigin = await post(
      t.port,
      CREATE,
      { UserPrincipalName: upn('eve1'), DisplayName: 'eve1' },
      {
        host: `127.0.0.1:${t.port}`,
        'content-type': 'application/json',
        cookie: root.cookie,
        'x-keyfence-csrf': root.csrf,
      },
    );
    await refusedWithNothingWritten(noOrigin, 403, 'ConsoleOriginRejected', 'eve1');
  });

  test('a missing or wrong CSRF header', async () => {
    const root = await signIn(t, t.accountId, ROOT_PASSWORD);
    const missing = await post(
      t.port,
      CREATE,
      { UserPrincipalName: upn('eve2'), DisplayName: 'eve2' },
      browserHeaders(t.port, { cookie: root.cookie }),
    );
    await refusedWithNothingWritten(missing, 403, 'ConsoleCsrfRejected', 'eve2');
    const wrong = await consoleWrite(
      t,
      root,
      CREATE,
      { UserPrincipalName: upn('eve2'), DisplayName: 'eve2' },
      { 'x-keyfence-csrf': 'x'.repeat(43) },
    );
    await refusedWithNothingWritten(wrong, 403, 'ConsoleCsrfRejected', 'eve2');
  });

  test('a form-encoded body, or JSON that is not an object of strings', async () => {
    const root = await signIn(t, t.accountId, ROOT_PASSWORD);
    const form = await consoleWrite(
      t,
      root,
      CREATE,
      `UserPrincipalName=${encodeURIComponent(upn('eve3'))}&DisplayName=eve3`,
      {
        'content-type': 'application/x-www-form-urlencoded',
      },
    );
    await refusedWithNothingWritten(form, 415, 'ConsoleUnsupportedMediaType', 'eve3');
    const numbers = await consoleWrite(t, root, CREATE, {
      UserPrincipalName: upn('eve3'),
      DisplayName: 'eve3',
      Comments: 5,
    });
    await refusedWithNothingWritten(numbers, 415, 'ConsoleUnsupportedMediaType', 'eve3');
  });

  test('an expired session: idle too long, or past its duration', async () => {
    const root = await signIn(t, t.accountId, ROOT_PASSWORD);
    t.clock.offsetMs = 31 * 60_000;
    try {
      const reply = await consoleWrite(t, root, CREATE, {
        UserPrincipalName: upn('eve4'),
        DisplayName: 'eve4',
      });
      await refusedWithNothingWritten(reply, 401, 'ConsoleSessionExpired', 'eve4');
      assert.match(reply.headers['set-cookie' as never]?.[0] ?? '', /Max-Age=0/);
    } finally {
      t.clock.offsetMs = 0;
    }
    const again = await consoleWrite(t, root, CREATE, {
      UserPrincipalName: upn('eve4'),
      DisplayName: 'eve4',
    });
    await refusedWithNothingWritten(again, 401, 'ConsoleSessionRequired', 'eve4');
  });

  test('reuse after sign-out', async () => {
    const root = await signIn(t, t.accountId, ROOT_PASSWORD);
    const out = await consoleWrite(t, root, '/console/api/signout', {});
    assert.equal(out.status, 200);
    assert.deepEqual(out.body, {});
    assert.match(
      out.headers['set-cookie']![0]!,
      /^kf_session=; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=0$/,
    );
    const reply = await consoleWrite(t, root, CREATE, {
      UserPrincipalName: upn('eve5'),
      DisplayName: 'eve5',
    });
    await refusedWithNothingWritten(reply, 401, 'ConsoleSessionRequired', 'eve5');
    assert.ok((await lookupEvents(t, 'ConsoleSignout')).length >= 1);
  });

  test('reuse after a password change ends the user’s other sessions', async () => {
    const frank = await consoleUser(t, 'frank', 'frank password 1', ['AliyunRAMFullAccess']);
    const old = await signIn(t, frank, 'frank password 1');
    const current = await signIn(t, frank, 'frank password 1');
    const changed = await consoleWrite(t, current, '/console/api/actions/Ims/ChangePassword', {
      OldPassword: 'frank password 1',
      NewPassword: 'frank password 2',
    });
    assert.equal(changed.status, 200, changed.text);
    const reply = await consoleWrite(t, old, CREATE, { UserPrincipalName: upn('eve6'), DisplayName: 'eve6' });
    await refusedWithNothingWritten(reply, 401, 'ConsoleSessionRequired', 'eve6');
    const still = await send(t.port, { path: '/console/api/session', headers: { cookie: current.cookie } });
    assert.equal(still.status, 200);
  });

  test('a RAM user may do what its policies allow, and no more; NoPermission is a refusal event', async () => {
    const grace = await consoleUser(t, 'grace', 'grace password 1', ['AliyunRAMReadOnlyAccess']);
    const session = await signIn(t, grace, 'grace password 1');
    const listed = await consoleWrite(t, session, '/console/api/actions/Ims/ListUsers', {});
    assert.equal(listed.status, 200, listed.text);
    const reply = await consoleWrite(t, session, CREATE, {
      UserPrincipalName: upn('eve7'),
      DisplayName: 'eve7',
    });
    await refusedWithNothingWritten(reply, 403, 'NoPermission', 'eve7');
    const acknowledged = await consoleWrite(t, session, '/console/api/root-access-keys/acknowledge', {});
    assert.equal(acknowledged.status, 403);
    assert.equal(acknowledged.body.Code, 'NoPermission');
  });

  test('root acknowledges the risks of its AccessKeys once per session, audited', async () => {
    const root = await signIn(t, t.accountId, ROOT_PASSWORD);
    const reply = await consoleWrite(t, root, '/console/api/root-access-keys/acknowledge', {});
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.RootAccessKeyAcknowledged, true);
    const [event] = await lookupEvents(t, 'AcknowledgeRootAccessKeys');
    assert.equal(event?.eventType, 'ConsoleOperation');
  });

  test('no AccessKey secret but CreateAccessKey’s; no STS credentials at all', async () => {
    const root = await signIn(t, t.accountId, ROOT_PASSWORD);
    await t.store.write((tx) => tx.createUser(t.accountId, { userName: 'henry' as UserName }));
    const created = await consoleWrite(t, root, '/console/api/actions/Ims/CreateAccessKey', {
      UserPrincipalName: upn('henry'),
    });
    assert.equal(created.status, 200, created.text);
    assert.equal(typeof created.body.AccessKey.AccessKeySecret, 'string');
    const listed = await consoleWrite(t, root, '/console/api/actions/Ims/ListAccessKeys', {
      UserPrincipalName: upn('henry'),
    });
    assert.ok(!listed.text.includes(created.body.AccessKey.AccessKeySecret));
    const assumed = await consoleWrite(t, root, '/console/api/actions/Sts/AssumeRole', {
      RoleArn: `acs:ram::${t.accountId}:role/nobody`,
      RoleSessionName: 'console',
    });
    assert.notEqual(assumed.status, 200);
    assert.ok(!('Credentials' in assumed.body));
  });
});
