/**
 * The gateway over TLS on both sides: a gateway listener serving HTTPS, and `https://`
 * upstreams whose certificate comes from a private CA (`gateway.upstreamCa`), checked against
 * the upstream's own name whatever Host the client sent.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, request as httpsRequest, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { pino } from 'pino';
import { KeyFenceError } from '../../src/common/keyfence-error.js';
import type { GatewayConfig } from '../../src/config/keyfence-config.js';
import { createServer } from '../../src/server/http/keyfence-server.js';
import { MasterKey, openStore } from '../../src/store/index.js';
import { createTestCa } from '../support/test-certificates.js';
import { type Original, signOriginal } from './forward-auth-support.js';
import { echoIdentity } from './gateway-support.js';
import { expectError, type Reply, send, startTestServer, testActions, testListener } from './support.js';

const ca = createTestCa();
const upstreamPair = ca.issue('upstream');
const gatewayPair = ca.issue('gateway');

const upstream: Server = createHttpsServer(
  { cert: readFileSync(upstreamPair.cert), key: readFileSync(upstreamPair.key) },
  echoIdentity,
);
await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
after(async () => {
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});
const upstreamPort = (upstream.address() as AddressInfo).port;

/** By IP address (checked against the certificate's IP entry) and by name (SNI `localhost`). */
const routes = (upstreamCa: string | undefined): GatewayConfig => ({
  routes: [
    {
      host: 'by-ip.example.com',
      version: undefined,
      service: 'orders',
      upstream: new URL(`https://127.0.0.1:${upstreamPort}`),
    },
    {
      host: 'by-name.example.com',
      version: undefined,
      service: 'orders',
      upstream: new URL(`https://localhost:${upstreamPort}`),
    },
  ],
  upstreamTimeoutMs: 10_000,
  ...(upstreamCa === undefined ? {} : { upstreamCa }),
});

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

  for (const host of ['by-ip.example.com', 'by-name.example.com']) {
    test(`${host}: forwarded over TLS, the certificate checked against the upstream’s name`, async () => {
      const reply = await sendTls(t.port, signOriginal({ credentials: t.root, host, path: '/v1/orders' }));
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.body.Principal, 'root');
      assert.equal(t.audit.find(reply.body.RequestId).httpStatus, 200);
    });
  }
});

describe('without upstreamCa', async () => {
  const t = await startTestServer({ gateway: routes(undefined) }, [testListener({ role: 'gateway' })]);

  test('an upstream certificate from an unknown CA is not trusted: 502', async () => {
    const original = signOriginal({ credentials: t.root, host: 'by-name.example.com' });
    expectError(
      await send(t.port, {
        method: original.method,
        path: original.target,
        headers: original.headers,
        body: original.body,
      }),
      502,
      'ServiceUnavailable.UpstreamUnreachable',
    );
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
    gateway: routes(missing),
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
