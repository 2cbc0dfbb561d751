import assert from 'node:assert/strict';
import { symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { hashPassword } from '../../../src/auth/password-hash.js';
import { TrustedProxies } from '../../../src/request/source/trusted-proxies.js';
import { send } from '../../support/server-harness.js';
import {
  browserHeaders,
  consoleUser,
  consoleWrite,
  fakeConsoleBuild,
  post,
  ROOT_PASSWORD,
  signIn,
  startConsoleServer,
} from './console-server.js';

const CREATE = '/console/api/actions/Ims/CreateUser';
const LIST = '/console/api/actions/Ims/ListUsers';

// What a hostile client tries against the console's API; each refusal leaves nothing behind.
describe('the console API against a hostile client', async () => {
  const t = await startConsoleServer();
  const upn = (name: string) => `${name}@${t.accountId}.onaliyun.com`;
  const exists = async (name: string) =>
    (await t.store.listUsers(t.accountId)).some((user) => user.userName === name);
  const signin = (principal: string, password: string, from: string) =>
    post(
      t.port,
      '/console/api/signin',
      { Principal: principal, Password: password },
      browserHeaders(t.port, { 'x-forwarded-for': from }),
    );

  test('a parameter given twice is refused, whichever of its values a reader would take', async () => {
    const root = await signIn(t, t.accountId, ROOT_PASSWORD);
    const twice = await consoleWrite(
      t,
      root,
      CREATE,
      `{"UserPrincipalName":"${upn('dup1')}","UserPrincipalName":"${upn('dup2')}"}`,
    );
    assert.equal(twice.status, 415, twice.text);
    assert.equal(twice.body.Code, 'ConsoleUnsupportedMediaType');
    assert.ok(!(await exists('dup1')) && !(await exists('dup2')));
  });

  test('a body that is not UTF-8 is refused, not repaired', async () => {
    const root = await signIn(t, t.accountId, ROOT_PASSWORD);
    const body = Buffer.concat([
      Buffer.from(`{"UserPrincipalName":"${upn('bytes')}","DisplayName":"a`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    const reply = await send(t.port, {
      method: 'POST',
      path: CREATE,
      headers: browserHeaders(t.port, { cookie: root.cookie, 'x-keyfence-csrf': root.csrf }),
      body,
    });
    assert.equal(reply.status, 415, reply.text);
    assert.ok(!(await exists('bytes')));
  });

  test('without a session or its CSRF token, the body is not even read', async () => {
    const anonymous = await post(t.port, LIST, 'not json at all', browserHeaders(t.port));
    assert.equal(anonymous.status, 401, anonymous.text);
    assert.equal(anonymous.body.Code, 'ConsoleSessionRequired');
    const root = await signIn(t, t.accountId, ROOT_PASSWORD);
    const forged = await post(
      t.port,
      LIST,
      'not json at all',
      browserHeaders(t.port, { cookie: root.cookie, 'x-keyfence-csrf': 'guess' }),
    );
    assert.equal(forged.status, 403, forged.text);
    assert.equal(forged.body.Code, 'ConsoleCsrfRejected');
  });

  test('sign-in takes a small body only', async () => {
    const reply = await signin(t.accountId, 'x'.repeat(9 * 1024), '192.0.2.200');
    assert.equal(reply.status, 413, reply.text);
    assert.equal(reply.headers['cache-control'], 'no-store');
  });

  test('spelling a principal differently does not reset its failures', async () => {
    const name = await consoleUser(t, 'henry', 'henry password 1');
    const variants = [` ${name}`, `${name} `, `\t${name}`, name.toUpperCase(), ` ${name.toUpperCase()} `];
    for (const [i, variant] of variants.entries()) {
      const reply = await signin(variant, 'not his password', `192.0.2.${30 + i}`);
      assert.equal(reply.status, 401, variant);
    }
    const throttled = await signin(name, 'henry password 1', '192.0.2.40');
    assert.equal(throttled.status, 429, throttled.text);
  });

  test('an IPv6 /64 is one source: rotating addresses within it does not reset its failures', async () => {
    for (let i = 1; i <= 20; i++) {
      await signin(upn(`ghost${i}`), 'some password here', `2001:db8:0:64::${i.toString(16)}`);
    }
    const same = await signin(t.accountId, ROOT_PASSWORD, '2001:db8:0:64:ffff:ffff:ffff:ffff');
    assert.equal(same.status, 429, same.text);
    const neighbour = await signin(t.accountId, ROOT_PASSWORD, '2001:db8:0:65::1');
    assert.equal(neighbour.status, 200, neighbour.text);
  });

  test('a sign-in ends the session the browser carried until then', async () => {
    const before = await signIn(t, t.accountId, ROOT_PASSWORD);
    const after = await signIn(t, t.accountId, ROOT_PASSWORD, { cookie: before.cookie });
    const old = await send(t.port, { path: '/console/api/session', headers: { cookie: before.cookie } });
    assert.equal(old.status, 401);
    const current = await send(t.port, { path: '/console/api/session', headers: { cookie: after.cookie } });
    assert.equal(current.status, 200);
  });

  test('without Origin, only Sec-Fetch-Site: same-origin vouches for the page', async () => {
    const root = await signIn(t, t.accountId, ROOT_PASSWORD);
    const headers = (extra: Record<string, string>) => {
      const { origin: _, ...rest } = browserHeaders(t.port, {
        cookie: root.cookie,
        'x-keyfence-csrf': root.csrf,
        ...extra,
      });
      return rest;
    };
    assert.equal((await post(t.port, LIST, {}, headers({ 'sec-fetch-site': 'same-origin' }))).status, 200);
    for (const site of ['same-site', 'cross-site', 'none']) {
      const reply = await post(t.port, LIST, {}, headers({ 'sec-fetch-site': site }));
      assert.equal(reply.body.Code, 'ConsoleOriginRejected', site);
    }
    const opaque = await post(t.port, LIST, {}, { ...headers({}), origin: 'null' });
    assert.equal(opaque.body.Code, 'ConsoleOriginRejected');
  });

  test('refusals name no internals', async () => {
    const root = await signIn(t, t.accountId, ROOT_PASSWORD);
    for (const body of ['{', '[]', '"x"', '{"a":1}', '{"a":"b"} trailing']) {
      const reply = await consoleWrite(t, root, LIST, body);
      assert.equal(reply.status, 415, body);
      assert.deepEqual(Object.keys(reply.body).sort(), ['Code', 'Message', 'RequestId']);
      assert.doesNotMatch(reply.text, /at |SyntaxError|JSON\.parse|node:/);
    }
  });
});

describe('the TLS cookie from a proxy that is not trusted', async () => {
  const t = await startConsoleServer({ settings: { trustedProxies: TrustedProxies.none } });

  test('X-Forwarded-Proto from anyone else means nothing', async () => {
    const reply = await post(
      t.port,
      '/console/api/signin',
      { Principal: t.accountId, Password: ROOT_PASSWORD },
      { ...browserHeaders(t.port), 'x-forwarded-proto': 'https' },
    );
    assert.equal(reply.status, 200, reply.text);
    assert.match(reply.headers['set-cookie']![0]!, /^kf_session=/);
  });
});

describe('the setup link against a hostile client', async () => {
  const t = await startConsoleServer({ rootPassword: false });

  test('a wrong token is refused before any password is hashed', async () => {
    // The four hashing slots, taken by slow hashes: a setup that hashed would queue behind them.
    let hashed = 0;
    const busy = Array.from({ length: 4 }, () =>
      hashPassword('a slow password', { N: 2 ** 15, r: 8, p: 1 }).then(() => hashed++),
    );
    const reply = await post(
      t.port,
      '/console/api/setup',
      { Token: 'A'.repeat(43), Password: 'a fine root password' },
      browserHeaders(t.port),
    );
    const hashedWhenAnswered = hashed;
    await Promise.all(busy);
    assert.equal(reply.status, 400, reply.text);
    assert.equal(reply.body.Code, 'ConsoleSetupTokenInvalid');
    assert.equal(hashedWhenAnswered, 0, 'the refusal waited for a hashing slot');
    // The real link still works.
    const [link] = await t.server.issueConsoleSetupLinks();
    const token = link!.url.split('#')[1]!;
    const set = await post(
      t.port,
      '/console/api/setup',
      { Token: token, Password: 'a fine root password' },
      browserHeaders(t.port),
    );
    assert.equal(set.status, 200, set.text);
  });
});

describe('the console’s files against a hostile client', async () => {
  const build = await fakeConsoleBuild();
  const secret = join(dirname(build), 'secret.txt');
  await symlink(secret, join(build, 'leak.txt'));
  await symlink(secret, join(build, 'assets', 'leak-abc123.js'));
  const t = await startConsoleServer({ consoleDir: build });

  test('a symbolic link out of the build serves nothing', async () => {
    for (const path of ['/console/leak.txt', '/console/assets/leak-abc123.js']) {
      const reply = await send(t.port, { path });
      assert.equal(reply.status, 404, path);
      assert.doesNotMatch(reply.text, /outside the root/, path);
    }
  });

  test('the page reached through an encoded path is never cached as an asset', async () => {
    const reply = await send(t.port, { path: '/console/assets%2F..%2Findex.html' });
    assert.equal(reply.status, 200);
    assert.match(reply.text, /<title>KeyFence<\/title>/);
    assert.equal(reply.headers['cache-control'], 'no-cache');
  });

  test('HEAD has no body; other methods are refused', async () => {
    const head = await send(t.port, { method: 'HEAD', path: '/console/assets/index-abc123.js' });
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    assert.equal(head.headers['content-length'], String('console.log(1)'.length));
    for (const method of ['PUT', 'DELETE', 'POST']) {
      const reply = await send(t.port, { method, path: '/console/settings' });
      assert.equal(reply.status, 405, method);
      assert.equal(reply.headers.allow, 'GET, HEAD');
    }
  });
});
