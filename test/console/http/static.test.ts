import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { send, testListener } from '../../support/server-harness.js';
import { fakeConsoleBuild, startConsoleServer } from './console-server.js';

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

function assertConsoleHeaders(headers: Record<string, unknown>): void {
  assert.equal(headers['content-security-policy'], CSP);
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['referrer-policy'], 'no-referrer');
  assert.equal(headers['x-frame-options'], 'DENY');
}

describe('the console’s files', async () => {
  const build = await fakeConsoleBuild();
  const t = await startConsoleServer({ consoleDir: build });

  test('index.html at /console/ and for client routes, revalidated every time', async () => {
    for (const path of [
      '/console/',
      '/console',
      '/console/users/alice.smith?tab=basic',
      '/console/settings',
    ]) {
      const reply = await send(t.port, { path });
      assert.equal(reply.status, 200, path);
      assert.match(reply.text, /<title>KeyFence<\/title>/);
      assert.equal(reply.headers['cache-control'], 'no-cache');
      assert.match(String(reply.headers['content-type']), /^text\/html/);
      assertConsoleHeaders(reply.headers);
    }
  });

  test('hashed assets are cached for good; a missing one is 404, not the page', async () => {
    const reply = await send(t.port, { path: '/console/assets/index-abc123.js' });
    assert.equal(reply.status, 200);
    assert.equal(reply.text, 'console.log(1)');
    assert.equal(reply.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(String(reply.headers['content-type']), /^text\/javascript/);
    assertConsoleHeaders(reply.headers);
    assert.equal((await send(t.port, { path: '/console/assets/index-old.js' })).status, 404);
  });

  test('paths never leave the build folder', async () => {
    for (const path of [
      '/console/..%2fsecret.txt',
      '/console/assets/..%2f..%2fsecret.txt',
      '/console/%2e%2e/secret.txt',
      '/console/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/console/assets/%00',
    ]) {
      const reply = await send(t.port, { path });
      assert.doesNotMatch(reply.text, /outside the root/, path);
    }
    assert.equal((await send(t.port, { path: '/console/assets/..%2f..%2fsecret.txt' })).status, 404);
  });

  test('the API answers JSON, never cached', async () => {
    const reply = await send(t.port, { path: '/console/api/session' });
    assert.equal(reply.status, 401);
    assert.equal(reply.body.Code, 'ConsoleSessionRequired');
    assert.equal(reply.body.SetupRequired, false);
    assert.equal(typeof reply.body.RequestId, 'string');
    assert.equal(reply.headers['cache-control'], 'no-store');
    assertConsoleHeaders(reply.headers);
    const unknown = await send(t.port, { path: '/console/api/nothing' });
    assert.equal(unknown.status, 404);
  });
});

describe('where the console is served', async () => {
  test('without a build: a plain page saying how to build it', async () => {
    const t = await startConsoleServer();
    const reply = await send(t.port, { path: '/console/' });
    assert.equal(reply.status, 503);
    assert.equal(reply.text, 'the console was not built: run npm run build\n');
    assert.match(String(reply.headers['content-type']), /^text\/plain/);
  });

  test('by default on loopback listeners only; not on a gateway listener', async () => {
    const build = await fakeConsoleBuild();
    const t = await startConsoleServer({
      consoleDir: build,
      listeners: [testListener(), testListener({ address: { host: '0.0.0.0', port: 0 } })],
    });
    assert.equal((await send(t.ports[0]!, { path: '/console/' })).status, 200);
    const other = await send(t.ports[1]!, { path: '/console/' });
    assert.equal(other.status, 404);
    assert.equal(other.body.Code, 'InvalidApi.NotFound');
    assert.equal(other.headers['content-security-policy'], undefined);
  });

  test('console.enabled true serves every api listener; false none', async () => {
    const build = await fakeConsoleBuild();
    const on = await startConsoleServer({
      consoleDir: build,
      settings: { console: { enabled: true } },
      listeners: [testListener({ address: { host: '0.0.0.0', port: 0 } })],
    });
    assert.equal((await send(on.port, { path: '/console/' })).status, 200);
    const off = await startConsoleServer({
      consoleDir: build,
      settings: { console: { enabled: false } },
    });
    assert.equal((await send(off.port, { path: '/console/' })).status, 404);
    assert.equal((await send(off.port, { path: '/console/api/session' })).status, 404);
  });

  test('a console listener serves the console and health, nothing of the API', async () => {
    const build = await fakeConsoleBuild();
    const t = await startConsoleServer({ consoleDir: build, listeners: [testListener({ role: 'console' })] });
    assert.equal((await send(t.port, { path: '/console/' })).status, 200);
    assert.equal((await send(t.port, { path: '/healthz' })).status, 200);
    const api = await send(t.port, { path: '/?Action=GetCallerIdentity' });
    assert.equal(api.status, 404);
    assert.equal((await send(t.port, { path: '/forward-auth' })).status, 404);
  });
});
