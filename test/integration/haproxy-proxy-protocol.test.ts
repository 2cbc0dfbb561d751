/**
 * Real HAProxy (TCP mode, `send-proxy` / `send-proxy-v2`) in front of KeyFence's PROXY-protocol
 * listeners, one of them HTTPS: the client HAProxy names is the source, a client behind it
 * cannot get its own X-Forwarded-For believed, and TLS passes through after the PROXY header.
 * Clients connect from 127.0.0.3, HAProxy from 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  cidrs,
  expectSuccess,
  type RawRequest,
  type Reply,
  signedRequest,
  startTestServer,
  testListener,
} from '../support/server-harness.js';
import { createTestCa } from '../support/test-certificates.js';
import { requireBinary, skipWithout } from './support/binaries.js';
import { freePort, startListening } from './support/processes.js';

const CLIENT = '127.0.0.3';

describe('HAProxy sending the PROXY protocol', { skip: skipWithout('haproxy') }, async () => {
  const ca = createTestCa();
  const pair = ca.issue('keyfence');
  // HAProxy may send the header; it is also a trusted proxy, but its clients are not.
  const balancer = cidrs('127.0.0.1/32');
  const t = await startTestServer({ trustedProxies: balancer }, [
    testListener({ proxyProtocol: 'v1', proxyProtocolFrom: balancer }),
    testListener({
      proxyProtocol: 'v2',
      proxyProtocolFrom: balancer,
      tls: { cert: pair.cert, key: pair.key },
    }),
  ]);
  const [plainPort, tlsPort] = t.ports as [number, number];
  const [front, tlsFront] = [await freePort(), await freePort()];

  const dir = mkdtempSync(join(tmpdir(), 'keyfence-haproxy-'));
  const config = join(dir, 'haproxy.cfg');
  writeFileSync(
    config,
    `defaults
  mode tcp
  timeout connect 2s
  timeout client 10s
  timeout server 10s
frontend plain
  bind 127.0.0.1:${front}
  default_backend keyfence
backend keyfence
  server kf 127.0.0.1:${plainPort} send-proxy
frontend tls
  bind 127.0.0.1:${tlsFront}
  default_backend keyfence_tls
backend keyfence_tls
  server kf 127.0.0.1:${tlsPort} send-proxy-v2
`,
  );
  const haproxy = await startListening('haproxy', requireBinary('haproxy'), ['-db', '-f', config], front);
  after(async () => {
    await haproxy.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function viaHaproxy(port: number, raw: RawRequest, secure: boolean): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const options = {
        host: '127.0.0.1',
        port,
        localAddress: CLIENT,
        method: raw.method ?? 'GET',
        path: raw.path ?? '/',
        headers: raw.headers,
        agent: false as const,
      };
      const onResponse = (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: JSON.parse(text) });
        });
      };
      const req = secure
        ? httpsRequest({ ...options, ca: ca.caPem, servername: 'localhost' }, onResponse)
        : httpRequest(options, onResponse);
      req.on('error', reject);
      req.end(raw.body);
    });
  }

  const spoofing = (port: number): RawRequest => {
    const raw = signedRequest(port, { action: 'GetTestValue', credentials: t.root });
    return { ...raw, headers: { ...raw.headers, 'x-forwarded-for': '127.0.0.2' } };
  };

  test('the client HAProxy names is the source; its own X-Forwarded-For is not believed', async () => {
    assert.equal(expectSuccess(await viaHaproxy(front, spoofing(front), false)).SourceIp, CLIENT);
  });

  test('HTTPS after the PROXY v2 header, through HAProxy', async () => {
    assert.equal(expectSuccess(await viaHaproxy(tlsFront, spoofing(tlsFront), true)).SourceIp, CLIENT);
  });

  test('health checks through HAProxy are answered', async () => {
    const health = await viaHaproxy(front, { path: '/healthz' }, false);
    assert.deepEqual([health.status, health.body], [200, { status: 'ok' }]);
  });
});
