import assert from 'node:assert/strict';
import { type ClientRequest, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import {
  call,
  expectError,
  expectSuccess,
  type Reply,
  send,
  startTestServer,
  type TestServer,
} from '../../support/server-harness.js';

const t = await startTestServer({ http: { maxBodyBytes: 1024, maxHeaderBytes: 8192 } });

/** A GetTestValue of `value` signed by the server's root key, in the query or in a form body. */
const getTestValue = (server: TestServer, value: string, where: 'query' | 'body' = 'query') =>
  call(server.port, {
    action: 'GetTestValue',
    params: { Value: value },
    credentials: server.root,
    in: where,
  });

/**
 * A POST to `/` with `headers`, whose body `write` sends by hand (or never): resolves with the
 * answer, which may come before the body is complete. Request errors with a code in `tolerated`
 * are not failures.
 */
function postByHand(
  port: number,
  headers: Record<string, string>,
  write: (req: ClientRequest) => void,
  tolerated: readonly string[] = [],
): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: 'POST', path: '/', agent: false, headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, text, body: JSON.parse(text) }),
        );
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (!tolerated.includes(error.code ?? '')) reject(error);
    });
    write(req);
  });
}

describe('methods and paths', () => {
  for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
    test(`${method} / is 405 UnsupportedHTTPMethod with Allow`, async () => {
      const reply = await send(t.port, { method });
      expectError(reply, 405, 'UnsupportedHTTPMethod');
      assert.equal(reply.headers.allow, 'GET, POST');
    });
  }

  test('HEAD / is 405 as well (a HEAD response carries no body)', async () => {
    const reply = await send(t.port, { method: 'HEAD' });
    assert.equal(reply.status, 405);
    assert.equal(reply.headers['content-type'], 'application/json;charset=utf-8');
  });

  for (const path of ['/foo', '/api/v1', '//', '/healthz/x', '/index.html?Action=GetTestValue']) {
    test(`${path} is 404 InvalidApi.NotFound`, async () => {
      expectError(await send(t.port, { method: 'POST', path }), 404, 'InvalidApi.NotFound');
    });
  }

  test('refusals at / are audited; other paths are not', async () => {
    const before = t.audit.records.length;
    const refused = await send(t.port, { method: 'PUT' });
    await send(t.port, { path: '/nowhere' });
    assert.equal(t.audit.records.length, before + 1);
    const record = t.audit.find(refused.body.RequestId);
    assert.equal(record.errorCode, 'UnsupportedHTTPMethod');
    assert.equal(record.httpStatus, 405);
    assert.equal(record.caller, null);
    assert.equal(record.decision, null);
  });
});

describe('health', () => {
  test('/healthz is alive', async () => {
    const reply = await send(t.port, { path: '/healthz' });
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, { status: 'ok' });
  });

  test('/readyz reports the applied version and staleness once loaded', async () => {
    const reply = await send(t.port, { path: '/readyz' });
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, {
      status: 'ready',
      appliedVersion: t.server.appliedVersion,
      nodeId: t.server.nodeId,
      stale: false,
      staleForMs: 0,
    });
    assert.ok(t.server.appliedVersion >= 2);
  });

  test('health endpoints answer GET only', async () => {
    const reply = await send(t.port, { path: '/readyz', method: 'POST' });
    expectError(reply, 405, 'UnsupportedHTTPMethod');
    assert.equal(reply.headers.allow, 'GET');
  });
});

describe('request bodies', () => {
  test('a form body within the limit is read', async () => {
    const reply = await getTestValue(t, 'x'.repeat(700), 'body');
    assert.equal(expectSuccess(reply).Value, 'x'.repeat(700));
  });

  test('a declared Content-Length over the limit is refused before the body is sent', async () => {
    // Only the head is written: the answer must come without waiting for a body.
    const reply = await postByHand(
      t.port,
      { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '1048576' },
      (req) => req.flushHeaders(),
    );
    const body = expectError(reply, 413, 'RequestEntityTooLarge');
    assert.equal(reply.headers.connection, 'close');
    assert.equal(t.audit.find(String(body.RequestId)).httpStatus, 413);
  });

  test('a chunked body is cut off as soon as it passes the limit', async () => {
    const reply = await postByHand(
      t.port,
      { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' },
      (req) => {
        // 600 + 600 bytes, then nothing: the server must answer without the request ever ending.
        req.write(`A=${'a'.repeat(598)}`);
        setTimeout(() => req.write(`&B=${'b'.repeat(597)}`), 20);
      },
      // Writing may fail once the server has answered and closed: the answer is what counts.
      ['EPIPE', 'ECONNRESET'],
    );
    expectError(reply, 413, 'RequestEntityTooLarge');
  });

  test('a non-form body is 415 UnsupportedMediaType', async () => {
    const reply = await send(t.port, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"Action":"GetTestValue"}',
    });
    expectError(reply, 415, 'UnsupportedMediaType');
  });

  test('a body without a content type is 415 too', async () => {
    expectError(
      await send(t.port, { method: 'POST', body: 'Action=GetTestValue' }),
      415,
      'UnsupportedMediaType',
    );
  });

  test('an empty body passes whatever its content type says', async () => {
    const unsigned = await send(t.port, { method: 'POST', headers: { 'content-type': 'application/json' } });
    expectError(unsigned, 400, 'MissingAccessKeyId');
  });
});

describe('request heads', () => {
  test('a query within the head limit is read', async () => {
    const reply = await getTestValue(t, 'q'.repeat(6000));
    assert.equal(expectSuccess(reply).Value, 'q'.repeat(6000));
  });

  test('a head over the limit is 431 in JSON', async () => {
    const reply = await send(t.port, { path: `/?Value=${'q'.repeat(9000)}` });
    assert.equal(reply.status, 431);
    assert.equal(reply.body.Code, 'RequestHeaderFieldsTooLarge');
  });

  test('by default the largest valid policy fits in the query, percent-encoded', async () => {
    const roomy = await startTestServer();
    // 64 KiB (the policy size limit) of characters that each take three bytes once encoded.
    const reply = await getTestValue(roomy, ':'.repeat(64 * 1024));
    assert.equal(expectSuccess(reply).Value.length, 64 * 1024);
    const inBody = await getTestValue(roomy, ':'.repeat(64 * 1024), 'body');
    assert.equal(expectSuccess(inBody).Value.length, 64 * 1024);
  });
});

describe('malformed HTTP', () => {
  test('a request node:http cannot parse still gets a JSON error', async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(t.port, '127.0.0.1', () =>
        socket.write('GARBAGE / HTTP/1.1\r\nHost: x\r\n\r\n'),
      );
      let data = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        data += chunk;
      });
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    assert.match(text, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(text, /content-type: application\/json;charset=utf-8/);
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
    assert.equal(body.Code, 'InvalidRequest.Malformed');
  });
});

describe('slow requests', async () => {
  const timeoutMs = 400;
  const slow = await startTestServer({ http: { requestTimeoutMs: timeoutMs } });

  test('a body still trickling in at requestTimeoutMs is cut then, not at node’s next 30 s check', async () => {
    const started = performance.now();
    const { text, elapsedMs } = await new Promise<{ text: string; elapsedMs: number }>((resolve, reject) => {
      const socket = connect(slow.port, '127.0.0.1', () =>
        socket.write(
          'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
            'Content-Length: 1000\r\n\r\nA=',
        ),
      );
      // One byte every 50 ms: never idle, never complete.
      const trickle = setInterval(() => socket.write('x'), 50);
      // Far beyond the timeout, far short of node's default 30 s check: a late cut fails fast.
      const giveUp = setTimeout(() => socket.destroy(new Error('still open after 3 s')), 3000);
      let data = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        data += chunk;
      });
      socket.on('close', () => {
        clearInterval(trickle);
        clearTimeout(giveUp);
        resolve({ text: data, elapsedMs: performance.now() - started });
      });
      socket.on('error', (error) => {
        clearInterval(trickle);
        clearTimeout(giveUp);
        reject(error);
      });
    });
    assert.ok(elapsedMs >= timeoutMs, `cut after ${elapsedMs} ms`);
    assert.ok(elapsedMs < timeoutMs * 1.5, `cut after ${elapsedMs} ms, configured ${timeoutMs} ms`);
    assert.match(text, /^HTTP\/1\.1 408 /);
    assert.equal(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)).Code, 'RequestTimeout');
  });
});
