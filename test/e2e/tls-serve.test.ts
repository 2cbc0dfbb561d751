/**
 * `keyfence serve --tls-cert FILE --tls-key FILE` as installed (the built `bin/keyfence.js`: run
 * `npm run build` first): the official SDKs (openapi-core, pop-core's HMAC-SHA1 RPC client, the
 * typed IMS client) calling it over HTTPS and trusting the test CA; SIGHUP with a new certificate,
 * seen by new connections while a kept-alive one goes on; a broken pair on SIGHUP logged and not
 * taken; a pair that cannot be used refused at start.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import OpenApi, { $OpenApiUtil, OpenApiUtil } from '@alicloud/openapi-core';
import RPCClient from '@alicloud/pop-core';
import * as $dara from '@darabonba/typescript';
import { Ims, rpcParams, VERSIONS } from '../interop/support/sdk.js';
import { captureOutput, jsonLines } from '../support/keyfence-process.js';
import { createTestCa, livePair } from '../support/test-certificates.js';

const BIN = join(process.cwd(), 'bin', 'keyfence.js');
const BUILT = join(process.cwd(), 'dist', 'server', 'http', 'tls-credentials.js');

const ca = createTestCa();
const first = ca.issue('first');
const second = ca.issue('second');
const stranger = ca.issue('stranger');
const live = livePair(ca, first);

function serve(args: readonly string[]) {
  const data = mkdtempSync(join(tmpdir(), 'keyfence-tls-serve-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [BIN, 'serve', '--data', data, '--listen', '127.0.0.1:0', ...args],
    {
      env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('KEYFENCE_'))),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output = captureOutput(child);
  after(() => {
    child.kill('SIGKILL');
    rmSync(data, { recursive: true, force: true });
  });
  return { ...output, child, exitCode: output.exited.then((exit) => exit.code) };
}

/** Waits for a log line with this `msg` (after the first `skip` of them). */
async function logLine(running: ReturnType<typeof serve>, msg: string, skip = 0) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const line = jsonLines(running.stderr()).filter((l) => l.msg === msg)[skip];
    if (line !== undefined) return line;
    const state = await Promise.race([running.exitCode, new Promise((r) => setTimeout(r, 25, 'running'))]);
    assert.equal(state, 'running', `serve exited early: ${running.stderr()}`);
    assert.ok(Date.now() < deadline, `no ${msg} line in time: ${running.stderr()}`);
  }
}

/** GET /healthz over HTTPS trusting the test CA: the certificate seen and whether the connection was reused. */
function health(port: number, agent: Agent | false) {
  return new Promise<{ status: number; fingerprint: string; reused: boolean }>((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path: '/healthz', ca: ca.caPem, agent }, (res) => {
      const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, fingerprint, reused: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('keyfence serve --tls-cert --tls-key', () => {
  test('an SDK over HTTPS; SIGHUP swaps the certificate for new connections only', async () => {
    assert.ok(existsSync(BUILT), 'dist/ is missing or stale: run `npm run build` first');
    const running = serve(['--tls-cert', live.cert, '--tls-key', live.key]);
    const listening = await logLine(running, 'listening');
    const url = new URL(String(listening.address));
    assert.equal(url.protocol, 'https:');
    const port = Number(url.port);
    const root = JSON.parse(running.stdout().trim());

    // openapi-core as a user configures it for HTTPS, given the CA of a private certificate.
    const client = new OpenApi.default(
      new $OpenApiUtil.Config({
        accessKeyId: root.accessKeyId,
        accessKeySecret: root.accessKeySecret,
        endpoint: `localhost:${port}`,
        protocol: 'https',
        readTimeout: 10_000,
        connectTimeout: 5_000,
      }),
    );
    const identity = (await client.callApi(
      rpcParams('GetCallerIdentity', VERSIONS.sts),
      new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query({}) }),
      new $dara.RuntimeOptions({ ca: ca.caPem }),
    )) as { statusCode: number; body: Record<string, unknown> };
    assert.equal(identity.statusCode, 200);
    assert.equal(identity.body.AccountId, root.accountId);

    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    after(() => agent.destroy());
    assert.equal((await health(port, agent)).fingerprint, first.fingerprint);

    live.install(second);
    running.child.kill('SIGHUP');
    const reloaded = await logLine(running, 'TLS certificate reloaded');
    assert.equal(reloaded.cert, live.cert);
    assert.equal((await health(port, false)).fingerprint, second.fingerprint);
    const kept = await health(port, agent);
    assert.deepEqual(kept, { status: 200, fingerprint: first.fingerprint, reused: true });

    copyFileSync(stranger.key, live.key);
    running.child.kill('SIGHUP');
    const failed = await logLine(
      running,
      'TLS certificate reload failed; the one loaded before stays in use',
    );
    assert.equal(failed.code, 'Tls.KeyMismatch');
    assert.match(String(failed.error), /live\.key does not belong to the certificate in .*live\.pem/);
    assert.equal((await health(port, false)).fingerprint, second.fingerprint);

    running.child.kill('SIGTERM');
    assert.equal(await running.exitCode, 0);
  });

  test('pop-core (HMAC-SHA1 RPC, POST and GET) and the typed IMS client, given the CA', async () => {
    const running = serve(['--tls-cert', first.cert, '--tls-key', first.key]);
    const port = Number(new URL(String((await logLine(running, 'listening')).address)).port);
    const root = JSON.parse(running.stdout().trim());
    const user = `tls@${root.accountId}.onaliyun.com`;
    const credentials = { accessKeyId: root.accessKeyId, accessKeySecret: root.accessKeySecret };

    // The typed client as a user configures it for a private certificate: the CA in its Config.
    const ims = (caPem: string | undefined) =>
      new Ims.default(
        new $OpenApiUtil.Config({
          ...credentials,
          endpoint: `localhost:${port}`,
          protocol: 'https',
          ...(caPem === undefined ? {} : { ca: caPem }),
          readTimeout: 10_000,
          connectTimeout: 5_000,
        }),
      );
    const created = await ims(ca.caPem).createUser(
      new Ims.CreateUserRequest({ userPrincipalName: user, displayName: 'Over TLS' }),
    );
    assert.equal(created.statusCode, 200);
    assert.equal(created.body?.user?.userPrincipalName, user);

    // pop-core takes the CA per request (it hands its options to httpx).
    const pop = new RPCClient({
      endpoint: `https://localhost:${port}`,
      apiVersion: VERSIONS.ims,
      ...credentials,
    });
    const getUser = (method: 'POST' | 'GET', caPem?: string) =>
      pop.request<{ User: { DisplayName: string } }>(
        'GetUser',
        { UserPrincipalName: user },
        { method, timeout: 10_000, ...(caPem === undefined ? {} : { ca: caPem }) },
      );
    for (const method of ['POST', 'GET'] as const) {
      assert.equal((await getUser(method, ca.caPem)).User.DisplayName, 'Over TLS');
    }

    // Neither trusts the private CA untold: the certificate is checked, not waved through.
    const untrusted = /self[- ]signed|unable to (get|verify)/i;
    await assert.rejects(getUser('POST'), untrusted);
    await assert.rejects(
      ims(undefined).getUser(new Ims.GetUserRequest({ userPrincipalName: user })),
      untrusted,
    );

    running.child.kill('SIGTERM');
    assert.equal(await running.exitCode, 0);
  });

  test('a missing file: nothing served, the file named, exit 1', async () => {
    const missing = join(ca.dir, 'missing.key');
    const running = serve(['--tls-cert', first.cert, '--tls-key', missing]);
    assert.equal(await running.exitCode, 1);
    const fatal = jsonLines(running.stderr()).find((line) => line.msg === 'cannot start the server');
    assert.match(String(fatal?.error), new RegExp(`the private key file ${missing} does not exist`));
    assert.equal(
      jsonLines(running.stderr()).some((line) => line.msg === 'listening'),
      false,
    );
  });

  test('one flag without the other is a configuration problem', async () => {
    const running = serve(['--tls-cert', first.cert]);
    assert.equal(await running.exitCode, 1);
    assert.equal(
      running.stderr().trim(),
      'keyfence serve: --tls-key: --tls-cert needs --tls-key too (both or neither) (Config.Missing)',
    );
  });
});
