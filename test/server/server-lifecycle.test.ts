import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { serverConfig } from '../../src/config/server-config.js';
import { createServer } from '../../src/server/keyfence-server.js';
import { type KeyFenceStore, MasterKey, openStore, type RoleName } from '../../src/store/index.js';
import {
  call,
  classicPolicy,
  expectError,
  expectSuccess,
  Gate,
  issueStsCredentials,
  send,
  setPolicy,
  signedRequest,
  slowGate,
  startTestServer,
  testActions,
  testListener,
} from '../support/server-harness.js';
import { until } from '../support/until.js';

async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The store, with `snapshot` held until the gate opens: a slow index load. */
function withSlowSnapshot(store: KeyFenceStore, gate: Promise<void>): KeyFenceStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'snapshot') {
        return async (...args: Parameters<KeyFenceStore['snapshot']>) => {
          await gate;
          return target.snapshot(...args);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('readiness', () => {
  test('/readyz is 503 and API calls are 503 until the index is loaded', async () => {
    const t = await startTestServer();
    const loaded = new Gate();
    const server = createServer({
      config: serverConfig(),
      store: withSlowSnapshot(t.store, loaded.opened),
      actions: testActions,
    });
    const port = await freePort();
    const started = server.start([testListener({ address: { host: '127.0.0.1', port } })]);
    try {
      let reply = await send(port, { path: '/readyz' }).catch(() => undefined);
      while (reply === undefined) reply = await send(port, { path: '/readyz' }).catch(() => undefined);
      assert.equal(reply.status, 503);
      assert.deepEqual(reply.body, { status: 'starting' });
      assert.equal((await send(port, { path: '/healthz' })).status, 200);
      expectError(
        await call(port, { action: 'GetTestValue', credentials: t.root }),
        503,
        'ServiceUnavailable',
      );
      loaded.open();
      await started;
      assert.equal(server.ready, true);
      assert.deepEqual((await send(port, { path: '/readyz' })).body, {
        status: 'ready',
        appliedVersion: server.appliedVersion,
        nodeId: server.nodeId,
        stale: false,
        staleForMs: 0,
      });
      expectSuccess(await call(port, { action: 'GetTestValue', credentials: t.root }));
    } finally {
      loaded.open();
      await started.catch(() => undefined);
      await server.close();
    }
  });
});

describe('housekeeping', () => {
  test('expired STS credentials are deleted from the store on start and every housekeepingMs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyfence-purge-'));
    let now = new Date();
    const store = await openStore({
      dialect: 'sqlite',
      file: join(dir, 'store.db'),
      masterKey: MasterKey.generate(),
      clock: () => now,
    });
    const role = 'purged' as RoleName;
    const issue = (durationSeconds: number) =>
      store.write(async (tx) =>
        tx.issueTemporaryCredential(accountId, role, {
          roleSessionName: 'purge-test',
          sourceIdentity: 'x',
          durationSeconds,
        }),
      );
    const accountId = await store.write(async (tx) => {
      const account = await tx.createAccount();
      await tx.createRole(account.accountId, {
        roleName: role,
        assumeRolePolicyDocument: '{"Statement":[]}',
      });
      return account.accountId;
    });
    const first = await issue(900);
    const second = await issue(1800);
    now = new Date(now.getTime() + 1000 * 1000);
    const server = createServer({
      config: serverConfig({ sync: { housekeepingMs: 20 } }),
      store,
      actions: testActions,
    });
    try {
      await server.start([testListener()]);
      await until(
        async () => (await store.revealCredentialForSigning(first.accessKeyId)) === undefined,
        'the purge on start deleted the expired credential',
      );
      assert.notEqual(await store.revealCredentialForSigning(second.accessKeyId), undefined);
      now = new Date(now.getTime() + 1000 * 1000);
      await until(
        async () => (await store.revealCredentialForSigning(second.accessKeyId)) === undefined,
        'a later purge deleted the credential that expired since',
      );
    } finally {
      await server.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a housekeepingMs a timer cannot hold is refused', () => {
    assert.throws(
      () =>
        createServer({
          config: serverConfig({ sync: { housekeepingMs: 2 ** 31 } }),
          store: {} as KeyFenceStore,
          actions: testActions,
        }),
      /housekeepingMs/,
    );
  });
});

describe('following the change log', () => {
  test('changes made elsewhere are enforced within the poll interval, and /readyz reports the version', async () => {
    const t = await startTestServer();
    const before = t.server.appliedVersion;
    const version = await setPolicy(t, { kind: 'account' }, classicPolicy('192.0.2.1'));
    assert.ok(version > before);
    assert.equal((await send(t.port, { path: '/readyz' })).body.appliedVersion, t.server.appliedVersion);
    expectError(
      await call(t.port, { action: 'GetTestValue', credentials: t.root }),
      400,
      'InvalidAccessKeyId.AccessPolicyDenied',
    );
  });

  test('a key created elsewhere works at once, before the next poll', async () => {
    const t = await startTestServer({ sync: { pollIntervalMs: 60_000 } });
    const fresh = await t.store.write((tx) => tx.createAccessKey(t.accountId));
    const applied = t.server.appliedVersion;
    const reply = await call(t.port, {
      action: 'GetTestValue',
      credentials: { accessKeyId: fresh.accessKeyId, accessKeySecret: fresh.accessKeySecret },
    });
    expectSuccess(reply);
    assert.ok(t.server.appliedVersion > applied);
  });
});

describe('graceful shutdown', () => {
  test('an in-flight request finishes; new connections are refused; audit and key uses are flushed', async () => {
    const t = await startTestServer();
    slowGate.current = new Gate();
    const inFlight = call(t.port, { action: 'WaitForGate', credentials: t.root });
    while (slowGate.current.entered === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    const closed = t.server.close();
    assert.equal(t.server.ready, false);
    await assert.rejects(
      send(t.port, { path: '/healthz' }),
      (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED',
    );
    let closeDone = false;
    void closed.then(() => {
      closeDone = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(closeDone, false, 'close waits for the in-flight request');

    slowGate.current.open();
    const reply = await inFlight;
    assert.equal(expectSuccess(reply).Waited, true);
    assert.equal(reply.headers.connection, 'close');
    await closed;
    assert.ok(t.audit.flushes >= 1);
    assert.ok(t.audit.records.some((r) => r.requestId === reply.body.RequestId));
    const key = await t.store.getAccessKey(t.accountId, t.root.accessKeyId as never);
    assert.equal(key.lastUsed?.service, 'Ims');
  });

  test('a request that does not finish in time is cut off, and close still resolves', async () => {
    const t = await startTestServer({ http: { shutdownTimeoutMs: 100 } });
    slowGate.current = new Gate();
    const inFlight = call(t.port, { action: 'WaitForGate', credentials: t.root });
    while (slowGate.current.entered === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const started = Date.now();
    await t.server.close();
    assert.ok(Date.now() - started < 2000);
    await assert.rejects(inFlight);
    slowGate.current.open();
  });

  test('a keep-alive connection does not hold the drain open', async () => {
    const t = await startTestServer();
    const { Agent, request } = await import('node:http');
    const agent = new Agent({ keepAlive: true });
    const get = () =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: t.port, path: '/healthz', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        });
        req.on('error', reject);
        req.end();
      });
    assert.equal(await get(), 200);
    const started = Date.now();
    await t.server.close();
    assert.ok(Date.now() - started < 1000, 'idle keep-alive connections are closed at once');
    agent.destroy();
  });
});

describe('the audit sink', () => {
  test('a sink that throws changes nothing for the client', async () => {
    const t = await startTestServer({
      auditSink: {
        record: () => {
          throw new Error('sink is broken');
        },
        flush: async () => {},
      },
    });
    expectSuccess(await call(t.port, { action: 'GetTestValue', credentials: t.root }));
    expectError(
      await call(t.port, { action: 'NoSuchAction', credentials: t.root }),
      404,
      'InvalidAction.NotFound',
    );
  });

  test('a record carries the request as the audit log needs it', async () => {
    const t = await startTestServer();
    const request = signedRequest(t.port, {
      action: 'GetTestValue',
      params: { Value: 'v' },
      credentials: t.root,
      headers: { 'user-agent': 'AlibabaCloud (linux; x64) Node.js/v20 Core/1.0.1 TeaDSL/2' },
    });
    const started = Date.now();
    const reply = await send(t.port, request);
    const record = t.audit.find(expectSuccess(reply).RequestId);
    assert.ok(Math.abs(record.time.getTime() - started) < 5000);
    assert.deepEqual(
      { ...record, time: undefined, params: { ...record.params } },
      {
        requestId: reply.body.RequestId,
        time: undefined,
        action: 'GetTestValue',
        version: '2019-08-15',
        product: 'Ims',
        params: { Value: 'v' },
        caller: { type: 'root-account', accountId: t.accountId, accessKeyId: t.root.accessKeyId },
        authentication: 'signature',
        claimedAccessKeyId: null,
        service: 'ims',
        decision: {
          allowed: true,
          reason: 'no-active-policy',
          scope: 'none',
          statement: -1,
          policyVersion: 0,
        },
        candidate: null,
        appliedVersion: t.server.appliedVersion,
        source: { ip: '127.0.0.1', vpcId: null, fault: null },
        entryPoint: 'rpc',
        original: null,
        errorCode: null,
        errorMessage: null,
        httpStatus: 200,
        userAgent: 'AlibabaCloud (linux; x64) Node.js/v20 Core/1.0.1 TeaDSL/2',
      },
    );
    assert.ok(!JSON.stringify(record).includes(t.root.accessKeySecret));
    assert.ok(!JSON.stringify(record).includes(String(request.headers?.authorization)));
  });

  test('a V2 STS call’s SecurityToken stays out of the record', async () => {
    const t = await startTestServer();
    const sts = await issueStsCredentials(t);
    const reply = await call(t.port, {
      action: 'GetTestIdentity',
      version: '2015-04-01',
      credentials: sts,
      signature: 'v2',
    });
    const record = t.audit.find(expectSuccess(reply).RequestId);
    assert.equal(record.params?.AccessKeyId, sts.accessKeyId);
    assert.equal(record.params?.SecurityToken, undefined);
    assert.ok(!JSON.stringify(record).includes(String(sts.securityToken)));
    assert.equal(record.caller?.type, 'assumed-role');
  });
});
