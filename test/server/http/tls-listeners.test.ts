/**
 * Listeners serving HTTPS: signed calls over TLS trusting a CA made for the test, the PROXY
 * header read in the clear before the handshake, TLS 1.2 as the floor (even where Node's defaults
 * allow less), connections that never finish their handshake cut, start refused for a pair that
 * cannot be used (nothing bound), and certificates reloaded for new connections while an open
 * keep-alive connection keeps working.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Agent, request as httpsRequest } from 'node:https';
import { type AddressInfo, createServer as createTcpServer, connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import tls, { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { pino } from 'pino';
import { KeyFenceError } from '../../../src/common/keyfence-error.js';
import type { ListenerConfig } from '../../../src/config/keyfence-config.js';
import { serverConfig } from '../../../src/config/server-config.js';
import { TrustedProxies } from '../../../src/request/source/trusted-proxies.js';
import { createServer } from '../../../src/server/keyfence-server.js';
import { MasterKey, openStore } from '../../../src/store/index.js';
import { accepts } from '../../support/accepts.js';
import { v1 } from '../../support/proxy-protocol.js';
import {
  expectSuccess,
  type RawRequest,
  type Reply,
  signedRequest,
  startTestServer,
  testActions,
  testListener,
} from '../../support/server-harness.js';
import { createTestCa, livePair } from '../../support/test-certificates.js';

const ca = createTestCa();
const first = ca.issue('first');
const second = ca.issue('second');
const stranger = ca.issue('stranger');
const third = ca.issue('third');

// The listener's files, overwritten by the reload tests.
const live = livePair(ca, first);

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

/** Node's defaults as `--tls-min-v1.0 --tls-cipher-list=DEFAULT@SECLEVEL=0` set them, while `run` runs. */
async function withLaxDefaults<T>(run: () => Promise<T>): Promise<T> {
  const { DEFAULT_MIN_VERSION, DEFAULT_CIPHERS } = tls;
  tls.DEFAULT_MIN_VERSION = 'TLSv1';
  tls.DEFAULT_CIPHERS = LAX_CIPHERS;
  try {
    return await run();
  } finally {
    tls.DEFAULT_MIN_VERSION = DEFAULT_MIN_VERSION;
    tls.DEFAULT_CIPHERS = DEFAULT_CIPHERS;
  }
}
const LAX_CIPHERS = 'DEFAULT@SECLEVEL=0';

// A listener whose TLS context is made where Node's defaults would take TLS 1.1.
const lax = await withLaxDefaults(() => startTestServer({}, [testListener({ tls: live })]));

/** A TLS 1.0/1.1 handshake, as far as OpenSSL goes; resolves with the protocol agreed. */
function oldTlsHandshake(port: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      port,
      host: '127.0.0.1',
      ca: ca.caPem,
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.1',
      ciphers: LAX_CIPHERS,
    });
    socket.once('secureConnect', () => {
      resolve(socket.getProtocol());
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

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

const getTestValue = (port: number, server = t) =>
  signedRequest(port, { action: 'GetTestValue', credentials: server.root });

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

  test('refuses plain HTTP', async () => {
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

describe('TLS 1.2 as the floor where Node’s defaults allow TLS 1.0', () => {
  test('a server taking the defaults agrees TLS 1.1 with the probe', async () => {
    const permissive = await withLaxDefaults(async () =>
      tls.createServer({ cert: readFileSync(first.cert), key: readFileSync(first.key) }, (s) => s.end()),
    );
    await new Promise<void>((resolve) => permissive.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = permissive.address() as AddressInfo;
      assert.equal(await oldTlsHandshake(port), 'TLSv1.1');
    } finally {
      await new Promise((resolve) => permissive.close(resolve));
    }
  });

  test('KeyFence refuses it, at start and after a reload', async () => {
    await assert.rejects(oldTlsHandshake(lax.port), /protocol version|no protocols available/);
    assert.equal(await withLaxDefaults(() => lax.server.reloadTls()), 0);
    await assert.rejects(oldTlsHandshake(lax.port), /protocol version|no protocols available/);
    expectSuccess(await sendTls(lax.port, getTestValue(lax.port, lax)));
  });
});

describe('a connection that never finishes its handshake', async () => {
  // A shutdown timeout longer than the test: closing must not wait for it.
  const slow = await startTestServer({ http: { requestTimeoutMs: 500, shutdownTimeoutMs: 60_000 } }, [
    testListener({ tls: { cert: first.cert, key: first.key } }),
    testListener(),
  ]);
  const [securePort, plainPort] = slow.ports as [number, number];

  test('is cut within the request timeout, silent or after part of a ClientHello', async () => {
    // A handshake record announcing 200 bytes, of which a few come.
    const partialHello = Buffer.from([0x16, 0x03, 0x01, 0x00, 0xc8, 0x01, 0x00, 0x00, 0xc4, 0x03, 0x03]);
    const [silent, partial] = await Promise.all([
      closedAfter(securePort, Buffer.alloc(0)),
      closedAfter(securePort, partialHello),
    ]);
    assert.ok(silent < 3000, `a silent connection was open for ${silent} ms`);
    assert.ok(partial < 3000, `a partial ClientHello was open for ${partial} ms`);
  });

  test('a finished handshake is not cut: a kept-alive connection outlives the timeout', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expectSuccess(await sendTls(securePort, getTestValue(securePort, slow), { agent }));
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const again = await sendTls(securePort, getTestValue(securePort, slow), { agent });
      assert.ok(again.reused, 'the kept-alive connection was used again');
      expectSuccess(again);
    } finally {
      agent.destroy();
    }
  });

  test('a client answered 408 that never closes its side is cut', async () => {
    const socket = tcpConnect({ port: plainPort, host: '127.0.0.1', allowHalfOpen: true });
    socket.on('error', () => {});
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
    });
    socket.write('GET /healthz HTTP/1.1\r\n');
    await once(socket, 'end');
    assert.match(answer, /^HTTP\/1\.1 408 /);
    // A byte written to a connection the server has let go draws a reset.
    const deadline = Date.now() + 3000;
    while (!socket.destroyed && Date.now() < deadline) {
      socket.write('a');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(socket.destroyed, 'the server still holds the connection');
  });

  test('closing the server does not wait for it', async () => {
    const socket = tcpConnect(securePort, '127.0.0.1');
    socket.on('error', () => {});
    await once(socket, 'connect');
    const started = Date.now();
    await slow.server.close();
    assert.ok(Date.now() - started < 3000, `close took ${Date.now() - started} ms`);
    if (!socket.destroyed) await once(socket, 'close');
  });
});

describe('certificate reload', () => {
  test('new connections get the new pair, an open keep-alive connection keeps working', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const before = await sendTls(tlsPort, getTestValue(tlsPort), { agent });
      assert.equal(before.fingerprint, first.fingerprint);

      live.install(second);
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
      live.install(first);
    }
  });

  test('reloads run one after another: the last requested wins over an earlier one read slowly', async () => {
    // The earlier reload's files are FIFOs: it reads them only once the test writes to them.
    for (const file of [live.cert, live.key]) {
      rmSync(file);
      execFileSync('mkfifo', [file]);
    }
    try {
      const earlier = t.server.reloadTls();
      // Each open resolves once the reload has opened the FIFO for reading.
      const writers = await Promise.all([open(live.cert, 'w'), open(live.key, 'w')]);
      // Meanwhile the files are renewed again and another reload is asked for.
      for (const file of [live.cert, live.key]) rmSync(file);
      live.install(third);
      const later = t.server.reloadTls();
      // Time enough for the later reload to be done, had it not waited for the earlier.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await writers[0].writeFile(readFileSync(second.cert));
      await writers[1].writeFile(readFileSync(second.key));
      await Promise.all(writers.map((writer) => writer.close()));
      assert.deepEqual(await Promise.all([earlier, later]), [0, 0]);
      assert.equal((await sendTls(tlsPort, getTestValue(tlsPort))).fingerprint, third.fingerprint);
    } finally {
      for (const file of [live.cert, live.key]) rmSync(file, { force: true });
      live.install(first);
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
      const probe = createServer({
        config: serverConfig(),
        store,
        actions: testActions,
        logger: pino({ enabled: false }),
      });
      const port = await freePort();
      const outcome = await probe
        .start([{ ...plain, address: { host: '127.0.0.1', port } }, testListener({ tls })])
        .then(
          () => 'started',
          (error: unknown) => error,
        );
      try {
        assert.ok(outcome instanceof KeyFenceError, String(outcome));
        assert.equal(outcome.code, code);
        assert.match(outcome.message, message);
        // Before close(), which would unbind it.
        assert.equal(await accepts(port), false, 'the plain listener was never bound');
      } finally {
        await probe.close();
      }
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

/**
 * Connects, sends `bytes` and nothing more, reading what comes; resolves with how long the server
 * took to close the connection (Infinity when it was still open after 5 s).
 */
function closedAfter(port: number, bytes: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = tcpConnect(port, '127.0.0.1', () => socket.write(bytes));
    const giveUp = setTimeout(() => {
      resolve(Number.POSITIVE_INFINITY);
      socket.destroy();
    }, 5000);
    socket.on('error', () => {});
    socket.resume();
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve(Date.now() - started);
    });
  });
}
