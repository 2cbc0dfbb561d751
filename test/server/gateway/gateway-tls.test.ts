/**
 * The gateway over TLS on both sides: a gateway listener serving HTTPS, and `https://`
 * upstreams whose certificate comes from a private CA (`gateway.upstreamCa`), checked against
 * the upstream's own name whatever Host the client sent; the CAs of NODE_EXTRA_CA_CERTS still
 * trusted alongside `upstreamCa`.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, request as httpsRequest, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { pino } from 'pino';
import { KeyFenceError } from '../../../src/common/keyfence-error.js';
import type { GatewayConfig } from '../../../src/config/keyfence-config.js';
import { serverConfig } from '../../../src/config/server-config.js';
import { createServer } from '../../../src/server/keyfence-server.js';
import { MasterKey, openStore } from '../../../src/store/index.js';
import { echoIdentity } from '../../support/gateway-upstream.js';
import {
  expectError,
  type Reply,
  startTestServer,
  testActions,
  testListener,
} from '../../support/server-harness.js';
import { createTestCa, type Pair } from '../../support/test-certificates.js';
import { type Original, sendOriginal, signOriginal } from '../forward-auth/support.js';

const ca = createTestCa();
const upstreamPair = ca.issue('upstream');
const gatewayPair = ca.issue('gateway');

/** An HTTPS upstream echoing the identity headers, serving `pair`; resolves with its port. */
async function startUpstream(pair: Pair): Promise<number> {
  const upstream: Server = createHttpsServer(
    { cert: readFileSync(pair.cert), key: readFileSync(pair.key) },
    echoIdentity,
  );
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  after(async () => {
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  });
  return (upstream.address() as AddressInfo).port;
}

const upstreamPort = await startUpstream(upstreamPair);

/**
 * An upstream by IP address (checked against the certificate's IP entry) and by name (SNI
 * `localhost`).
 */
const routes = (upstreamCa: string | undefined, port = upstreamPort): GatewayConfig => ({
  routes: [
    {
      host: 'by-ip.example.com',
      version: undefined,
      service: 'orders',
      upstream: new URL(`https://127.0.0.1:${port}`),
    },
    {
      host: 'by-name.example.com',
      version: undefined,
      service: 'orders',
      upstream: new URL(`https://localhost:${port}`),
    },
  ],
  upstreamTimeoutMs: 10_000,
  ...(upstreamCa === undefined ? {} : { upstreamCa }),
});

const HOSTS = ['by-ip.example.com', 'by-name.example.com'] as const;

/** A signed gateway request over HTTPS, trusting the test CA. */
function sendTls(port: number, original: Original): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        method: original.method,
        path: original.target,
        headers: original.headers,
        ca: ca.caPem,
        servername: 'localhost',
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: JSON.parse(text) });
        });
      },
    );
    req.on('error', reject);
    req.end(original.body);
  });
}

describe('https upstreams with a private CA, behind an HTTPS gateway listener', async () => {
  const t = await startTestServer({ gateway: routes(ca.caFile) }, [
    testListener({ role: 'gateway', tls: { cert: gatewayPair.cert, key: gatewayPair.key } }),
  ]);

  for (const host of HOSTS) {
    test(`${host}: forwarded over TLS, the certificate checked against the upstream’s name`, async () => {
      const reply = await sendTls(t.port, signOriginal({ credentials: t.root, host, path: '/v1/orders' }));
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.body.Principal, 'root');
      assert.equal(t.audit.find(reply.body.RequestId).httpStatus, 200);
    });
  }
});

describe('an upstream certificate from the trusted CA for another name', async () => {
  const port = await startUpstream(ca.issue('elsewhere', ['DNS:elsewhere.example.com']));
  const t = await startTestServer({ gateway: routes(ca.caFile, port) }, [testListener({ role: 'gateway' })]);

  for (const host of HOSTS) {
    test(`${host}: refused, 502`, async () => {
      const original = signOriginal({ credentials: t.root, host });
      expectError(await sendOriginal(t.port, original), 502, 'ServiceUnavailable.UpstreamUnreachable');
    });
  }
});

describe('upstreamCa is read again on reload (SIGHUP)', async () => {
  // At first the file names another CA: the upstream's certificate is not trusted.
  const file = join(ca.dir, 'reloaded-upstream-ca.pem');
  writeFileSync(file, createTestCa().caPem);
  const t = await startTestServer({ gateway: routes(file) }, [testListener({ role: 'gateway' })]);
  const forward = () =>
    sendOriginal(t.port, signOriginal({ credentials: t.root, host: 'by-name.example.com' }));

  test('new upstream connections take the file as it is now; a broken file leaves the last good one', async () => {
    expectError(await forward(), 502, 'ServiceUnavailable.UpstreamUnreachable');
    writeFileSync(file, ca.caPem);
    assert.equal(await t.server.reloadTls(), 0);
    assert.equal((await forward()).status, 200);
    writeFileSync(file, 'no certificate here');
    assert.equal(await t.server.reloadTls(), 1);
    assert.equal((await forward()).status, 200);
  });
});

describe('with upstreamCa, the CAs of NODE_EXTRA_CA_CERTS are still trusted', async () => {
  const other = createTestCa();
  const port = await startUpstream(other.issue('upstream'));
  // Node read the variable at start, before it was set here: only KeyFence reading it again
  // makes it count.
  const before = process.env.NODE_EXTRA_CA_CERTS;
  process.env.NODE_EXTRA_CA_CERTS = other.caFile;
  const t = await startTestServer({ gateway: routes(ca.caFile, port) }, [
    testListener({ role: 'gateway' }),
  ]).finally(() => {
    if (before === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
    else process.env.NODE_EXTRA_CA_CERTS = before;
  });

  test('an upstream whose certificate comes from one of them: forwarded', async () => {
    const original = signOriginal({ credentials: t.root, host: 'by-name.example.com' });
    const reply = await sendOriginal(t.port, original);
    assert.equal(reply.status, 200, reply.text);
  });
});

describe('without upstreamCa', async () => {
  const t = await startTestServer({ gateway: routes(undefined) }, [testListener({ role: 'gateway' })]);

  test('an upstream certificate from an unknown CA is not trusted: 502', async () => {
    const original = signOriginal({ credentials: t.root, host: 'by-name.example.com' });
    expectError(await sendOriginal(t.port, original), 502, 'ServiceUnavailable.UpstreamUnreachable');
  });
});

test('an upstreamCa that cannot be read: start refused, naming the file', async () => {
  const store = await openStore({
    dialect: 'sqlite',
    file: join(ca.dir, 'refused.db'),
    masterKey: MasterKey.generate(),
  });
  const missing = join(ca.dir, 'no-such-ca.pem');
  const server = createServer({
    store,
    actions: testActions,
    config: serverConfig({ gateway: routes(missing) }),
    logger: pino({ enabled: false }),
  });
  const outcome = await server.start([testListener({ role: 'gateway' })]).then(
    () => 'started',
    (error: unknown) => error,
  );
  await server.close();
  await store.close();
  assert.ok(outcome instanceof KeyFenceError, String(outcome));
  assert.equal(outcome.code, 'Tls.Unreadable');
  assert.equal(outcome.message, `the CA certificate file ${missing} does not exist`);
});
