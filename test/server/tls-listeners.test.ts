/**
 * Listeners serving HTTPS: signed calls over TLS trusting a CA made for the test, the PROXY
 * header read in the clear before the handshake, TLS 1.2 as the floor, start refused for a pair
 * that cannot be used (nothing bound), and certificates reloaded for new connections while an
 * open keep-alive connection keeps working.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { type AddressInfo, createServer as createTcpServer, connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { pino } from 'pino';
import { KeyFenceError } from '../../src/common/keyfence-error.js';
import type { ListenerConfig } from '../../src/config/keyfence-config.js';
import { createServer } from '../../src/server/http/keyfence-server.js';
import { TrustedProxies } from '../../src/server/source/trusted-proxies.js';
import { MasterKey, openStore } from '../../src/store/index.js';
import { createTestCa } from '../support/test-certificates.js';
import { v1 } from './proxy-protocol-support.js';
import {
  expectSuccess,
  type RawRequest,
  type Reply,
  signedRequest,
  startTestServer,
  testActions,
  testListener,
} from './support.js';

const ca = createTestCa();
const first = ca.issue('first');
const second = ca.issue('second');
const stranger = ca.issue('stranger');

// The listener's files, overwritten by the reload tests.
const live = { cert: join(ca.dir, 'live.pem'), key: join(ca.dir, 'live.key') };
copyFileSync(first.cert, live.cert);
copyFileSync(first.key, live.key);

const balancer = (() => {
  const parsed = TrustedProxies.parse(['127.0.0.1/32']);
  assert.ok(parsed.ok);
  return parsed.value;
})();

const t = await startTestServer({}, [
  testListener({ tls: live }),
  testListener({
    tls: { cert: first.cert, key: first.key },
    proxyProtocol: 'v1',
    proxyProtocolFrom: balancer,
  }),
]);
const [tlsPort, proxiedPort] = t.ports as [number, number];

interface TlsReply extends Reply {
  readonly fingerprint: string;
  readonly reused: boolean;
}

/** One request over HTTPS trusting the test CA; `agent` to reuse a kept-alive connection. */
function sendTls(
  port: number,
  raw: RawRequest,
  options: { agent?: Agent; header?: Buffer } = {},
): Promise<TlsReply> {
  return new Promise((resolve, reject) => {
    const { header } = options;
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        method: raw.method ?? 'GET',
        path: raw.path ?? '/',
        headers: raw.headers,
        ca: ca.caPem,
        ...(header === undefined
          ? { agent: options.agent ?? false }
          : {
              // The PROXY header goes in the clear; TLS begins after it on the same connection.
              createConnection: () => {
                const socket = tcpConnect(port, '127.0.0.1');
                socket.write(header);
                return tlsConnect({ socket, ca: ca.caPem, servername: 'localhost' });
              },
            }),
      },
      (res) => {
        // Read now: a kept-alive socket leaves the response once it ends.
        const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            body: JSON.parse(text),
            fingerprint,
            reused: req.reusedSocket,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(raw.body);
  });
}

const getTestValue = (port: number) => signedRequest(port, { action: 'GetTestValue', credentials: t.root });

describe('an HTTPS listener', () => {
  test('answers a signed call; its URL says https', async () => {
    assert.equal(t.urls[0], `https://127.0.0.1:${tlsPort}`);
    const reply = await sendTls(tlsPort, getTestValue(tlsPort));
    assert.equal(expectSuccess(reply).SourceIp, '127.0.0.1');
    assert.equal(reply.fingerprint, first.fingerprint);
  });

  test('after a PROXY header sent in the clear, the handshake and the client the header names', async () => {
    const reply = await sendTls(proxiedPort, getTestValue(proxiedPort), {
      header: v1('PROXY TCP4 198.51.100.7 127.0.0.1 40000 443\r\n'),
    });
    assert.equal(expectSuccess(reply).SourceIp, '198.51.100.7');
  });

  test('refuses TLS 1.1 and plain HTTP', async () => {
    await assert.rejects(
      new Promise((resolve, reject) => {
        const socket = tlsConnect({
          port: tlsPort,
          host: '127.0.0.1',
          ca: ca.caPem,
          maxVersion: 'TLSv1.1',
          minVersion: 'TLSv1',
        });
        socket.once('secureConnect', () => resolve(socket.getProtocol()));
        socket.once('error', reject);
      }),
    );
    const answer = await new Promise<string>((resolve) => {
      const socket = tcpConnect(tlsPort, '127.0.0.1', () =>
        socket.write('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n'),
      );
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
      });
      socket.on('error', () => {});
      socket.on('close', () => resolve(text));
    });
    assert.doesNotMatch(answer, /HTTP\/1\.1 200/);
  });
});

describe('certificate reload', () => {
  test('new connections get the new pair, an open keep-alive connection keeps working', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const before = await sendTls(tlsPort, getTestValue(tlsPort), { agent });
      assert.equal(before.fingerprint, first.fingerprint);

      copyFileSync(second.cert, live.cert);
      copyFileSync(second.key, live.key);
      assert.equal(await t.server.reloadTls(), 0);

      const fresh = await sendTls(tlsPort, getTestValue(tlsPort));
      assert.equal(fresh.fingerprint, second.fingerprint);
      const kept = await sendTls(tlsPort, getTestValue(tlsPort), { agent });
      assert.ok(kept.reused, 'the kept-alive connection was used again');
      assert.equal(kept.fingerprint, first.fingerprint);
      expectSuccess(kept);

      // A broken pair is not taken: the last good one stays.
      copyFileSync(stranger.key, live.key);
      assert.equal(await t.server.reloadTls(), 1);
      assert.equal((await sendTls(tlsPort, getTestValue(tlsPort))).fingerprint, second.fingerprint);
    } finally {
      agent.destroy();
      copyFileSync(first.cert, live.cert);
      copyFileSync(first.key, live.key);
    }
  });
});

describe('a pair that cannot be used: start refused, naming the file, nothing bound', async () => {
  const store = await openStore({
    dialect: 'sqlite',
    file: join(ca.dir, 'refused.db'),
    masterKey: MasterKey.generate(),
  });
  const garbage = join(ca.dir, 'garbage.pem');
  writeFileSync(garbage, 'not a certificate\n');
  const directory = join(ca.dir, 'a-directory');
  mkdirSync(directory);
  const missing = join(ca.dir, 'missing.pem');

  const cases: readonly (readonly [string, { cert: string; key: string }, string, RegExp])[] = [
    [
      'missing certificate',
      { cert: missing, key: first.key },
      'Tls.Unreadable',
      /certificate file .*missing\.pem does not exist/,
    ],
    [
      'missing key',
      { cert: first.cert, key: missing },
      'Tls.Unreadable',
      /private key file .*missing\.pem does not exist/,
    ],
    [
      'unreadable key',
      { cert: first.cert, key: directory },
      'Tls.Unreadable',
      /private key file .*a-directory is a directory/,
    ],
    [
      'not a certificate',
      { cert: garbage, key: first.key },
      'Tls.InvalidCertificate',
      /garbage\.pem holds no usable PEM certificate/,
    ],
    [
      'not a key',
      { cert: first.cert, key: garbage },
      'Tls.InvalidKey',
      /garbage\.pem holds no unencrypted PEM private key/,
    ],
    [
      'another certificate’s key',
      { cert: first.cert, key: second.key },
      'Tls.KeyMismatch',
      /second\.key does not belong to the certificate in .*first\.pem/,
    ],
  ];
  for (const [name, tls, code, message] of cases) {
    test(name, async () => {
      // A plain listener on a fixed port first: it must not have been bound either.
      const plain: ListenerConfig = testListener();
      const probe = createServer({ store, actions: testActions, logger: pino({ enabled: false }) });
      const port = await freePort();
      const outcome = await probe
        .start([{ ...plain, address: { host: '127.0.0.1', port } }, testListener({ tls })])
        .then(
          () => 'started',
          (error: unknown) => error,
        );
      await probe.close();
      assert.ok(outcome instanceof KeyFenceError, String(outcome));
      assert.equal(outcome.code, code);
      assert.match(outcome.message, message);
      assert.equal(await accepts(port), false, 'the plain listener was never bound');
    });
  }
  test('closes its store', async () => store.close());
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createTcpServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
