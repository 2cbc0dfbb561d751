/**
 * Several listeners on one server: each keeps its own role and its own idea of where its
 * connections come from (a listener declared as a VPC endpoint), while sharing one index, one
 * audit sink and one shutdown.
 */
import assert from 'node:assert/strict';
import { type AddressInfo, createServer as createNetServer, type Server } from 'node:net';
import { describe, test } from 'node:test';
import { serverConfig } from '../../../src/config/server-config.js';
import { TrustedProxies } from '../../../src/request/source/trusted-proxies.js';
import { createServer } from '../../../src/server/keyfence-server.js';
import {
  type Credentials,
  call,
  classicPolicy,
  expectError,
  expectSuccess,
  type Reply,
  send,
  setPolicy,
  signedRequest,
  startTestServer,
  testActions,
  testListener,
} from '../../support/server-harness.js';

const VPC = 'vpc-listener1';

function expectDenied(reply: Reply, detail: Record<string, unknown>): void {
  const body = expectError(reply, 400, 'InvalidAccessKeyId.AccessPolicyDenied');
  assert.deepEqual(body.AccessDeniedDetail, detail);
}

describe('several listeners', async () => {
  const t = await startTestServer({}, [
    testListener(),
    testListener({ vpcEndpointOf: VPC }),
    testListener({ role: 'gateway' }),
  ]);
  const [publicPort, vpcPort, gatewayPort] = t.ports as [number, number, number];

  test('start resolves with one URL per listener, in order, each on its own port', () => {
    assert.equal(t.urls.length, 3);
    assert.equal(new Set(t.ports).size, 3);
    for (const url of t.urls) assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('a listener declared as a VPC endpoint makes every request on it a VPC request', async () => {
    const fromPublic = expectSuccess(await call(publicPort, { action: 'GetTestValue', credentials: t.root }));
    assert.equal(fromPublic.VpcId, null);
    const fromVpc = expectSuccess(await call(vpcPort, { action: 'GetTestValue', credentials: t.root }));
    assert.equal(fromVpc.VpcId, VPC);
    assert.equal(fromVpc.SourceIp, '127.0.0.1');
    assert.equal(t.audit.find(fromVpc.RequestId).source.vpcId, VPC);
  });

  test('a VPC-only policy passes on the VPC listener and denies the same client elsewhere', async () => {
    const version = await setPolicy(
      t,
      { kind: 'accessKey', accessKeyId: t.root.accessKeyId },
      {
        Version: 1,
        Status: 'Active',
        Statements: [{ Type: 'VPCWhiteList', Value: VPC, IPList: ['127.0.0.0/8'] }],
      },
    );
    expectSuccess(await call(vpcPort, { action: 'GetTestValue', credentials: t.root }));
    const denied = {
      SourceIp: '127.0.0.1',
      VpcId: null,
      DeniedBy: 'AccessKey',
      PolicyVersion: version,
      Reason: 'no-public-statement',
    };
    expectDenied(await call(publicPort, { action: 'GetTestValue', credentials: t.root }), denied);
    // The VPC header from a client that is not a trusted proxy is worth nothing.
    expectDenied(
      await call(publicPort, {
        action: 'GetTestValue',
        credentials: t.root,
        headers: { 'x-forwarded-vpc-id': VPC },
      }),
      denied,
    );
    await setPolicy(
      t,
      { kind: 'accessKey', accessKeyId: t.root.accessKeyId },
      { Version: 1, Status: 'Inactive', Statements: [] },
    );
  });

  test('a gateway listener answers every path with the gateway, not the API', async () => {
    for (const path of ['/', '/healthz', '/anything?x=1']) {
      const body = expectError(await send(gatewayPort, { path }), 501, 'Gateway.NotConfigured');
      assert.equal(body.HostId, '127.0.0.1');
    }
    expectError(
      await call(gatewayPort, { action: 'GetTestValue', credentials: t.root }),
      501,
      'Gateway.NotConfigured',
    );
    assert.equal((await send(publicPort, { path: '/healthz' })).status, 200);
  });
});

async function bind(at: number): Promise<Server> {
  const server = createNetServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at, '127.0.0.1', resolve);
  });
  return server;
}

const port = (server: Server) => (server.address() as AddressInfo).port;
const unbind = (server: Server) => new Promise((resolve) => server.close(resolve));

describe('starting', () => {
  test('no listener is refused', async () => {
    const t = await startTestServer();
    const server = createServer({ config: serverConfig(), store: t.store, actions: testActions });
    await assert.rejects(server.start([]), { code: 'Server.NoListener' });
    await server.close();
  });

  test('one address that cannot be bound fails the start and releases the others', async () => {
    const t = await startTestServer();
    const probe = await bind(0);
    const freePort = port(probe);
    await unbind(probe);
    const taken = await bind(0);
    try {
      const server = createServer({ config: serverConfig(), store: t.store, actions: testActions });
      const free = testListener({ address: { host: '127.0.0.1', port: freePort } });
      await assert.rejects(
        server.start([free, testListener({ address: { host: '127.0.0.1', port: port(taken) } })]),
        (error: NodeJS.ErrnoException) => error.code === 'EADDRINUSE',
      );
      assert.equal(server.ready, false);
      // The listener that did bind was closed with the failure.
      await unbind(await bind(freePort));
      await assert.rejects(server.start([free]), { code: 'Server.Started' });
    } finally {
      await unbind(taken);
    }
  });
});

describe('IPv6 and dual-stack listeners', async () => {
  const loopbackProxy = TrustedProxies.parse(['127.0.0.1/32']);
  assert.ok(loopbackProxy.ok);
  let t: Awaited<ReturnType<typeof startTestServer>> | undefined;
  try {
    t = await startTestServer({ trustedProxies: loopbackProxy.value }, [
      testListener({ address: { host: '::', port: 0 } }),
      testListener({ address: { host: '::1', port: 0 } }),
    ]);
  } catch (error) {
    // Hosts without IPv6 cannot run these cases.
    if (
      (error as NodeJS.ErrnoException).code !== 'EADDRNOTAVAIL' &&
      (error as NodeJS.ErrnoException).code !== 'EAFNOSUPPORT'
    )
      throw error;
  }
  const server = t;

  test('an IPv4 client of a dual-stack listener (peer ::ffff:127.0.0.1) is the IPv4 address, trusted as such', {
    skip: server === undefined,
  }, async () => {
    if (server === undefined) return;
    const [dualPort] = server.ports as [number];
    const direct = expectSuccess(await call(dualPort, { action: 'GetTestValue', credentials: server.root }));
    assert.equal(server.audit.find(direct.RequestId).source.ip, '127.0.0.1');
    // 127.0.0.1/32 is trusted, and so is its mapped form: its X-Forwarded-For is believed.
    const forwarded = expectSuccess(
      await call(dualPort, {
        action: 'GetTestValue',
        credentials: server.root,
        headers: { 'x-forwarded-for': '2001:db8::9' },
      }),
    );
    assert.equal(forwarded.SourceIp, '2001:db8::9');
  });

  test('an IPv6 peer is itself the source, and its forwarding headers count for nothing', {
    skip: server === undefined,
  }, async () => {
    if (server === undefined) return;
    const [dualPort, v6Port] = server.ports as [number, number];
    expectSuccess(await callFromIPv6(v6Port, server.root, {}));
    const version = await setPolicy(
      server,
      { kind: 'accessKey', accessKeyId: server.root.accessKeyId },
      classicPolicy('2001:db8::9'),
    );
    expectDenied(await callFromIPv6(v6Port, server.root, { 'x-forwarded-for': '2001:db8::9' }), {
      SourceIp: '::1',
      VpcId: null,
      DeniedBy: 'AccessKey',
      PolicyVersion: version,
      Reason: 'public-ip-not-allowed',
    });
    // The same header from the trusted 127.0.0.1 is believed.
    expectSuccess(
      await call(dualPort, {
        action: 'GetTestValue',
        credentials: server.root,
        headers: { 'x-forwarded-for': '2001:db8::9' },
      }),
    );
  });
});

/** A signed call from [::1]. */
function callFromIPv6(
  port: number,
  credentials: Credentials,
  headers: Record<string, string>,
): Promise<Reply> {
  return send(port, signedRequest(port, { action: 'GetTestValue', credentials, headers }), { host: '::1' });
}
