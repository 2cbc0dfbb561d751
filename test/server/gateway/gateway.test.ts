/**
 * The gateway in front of a real upstream node:http server: routing, allowed, denied and exempt
 * requests, the headers an upstream is given (and the ones no client may forge), bodies
 * streamed both ways with the ACS3 content hash checked on the way, upstream failures.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { echoIdentity, startUpstream } from '../../support/gateway-upstream.js';
import {
  classicPolicy,
  expectError,
  issueStsCredentials,
  loopbackProxies,
  type Reply,
  send,
  setPolicy,
  startTestServer,
  testListener,
} from '../../support/server-harness.js';
import { until } from '../../support/until.js';
import { type Original, signOriginal } from '../forward-auth/support.js';

const DENIED_CLIENT = '198.51.100.9';

const toGateway = (port: number, original: Original, headers: Record<string, string> = {}): Promise<Reply> =>
  send(port, {
    method: original.method,
    path: original.target,
    headers: { ...original.headers, ...headers },
    body: original.body,
  });

/** Every value of a header as the upstream received it. */
function headerOf(rawHeaders: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === name) values.push(rawHeaders[i + 1]!);
  }
  return values;
}

const gatewayListener = [testListener({ role: 'gateway' })];

describe('the gateway behind a trusted proxy', async () => {
  const upstream = await startUpstream();
  const other = await startUpstream();
  const t = await startTestServer(
    {
      trustedProxies: loopbackProxies,
      gateway: {
        routes: [
          { host: 'orders.example.com', version: undefined, service: 'orders', upstream: upstream.url },
          {
            host: undefined,
            version: '2099-01-01',
            service: 'billing',
            upstream: new URL(`${other.url.href}base/`),
          },
        ],
        upstreamTimeoutMs: 30_000,
      },
      exemptServices: [{ service: 'orders', pathPrefixes: ['/public'] }],
    },
    gatewayListener,
  );
  const g = { port: t.port };
  await setPolicy(t, { kind: 'account' }, classicPolicy('203.0.113.0/24', '127.0.0.1'));

  test('an allowed request reaches its upstream with KeyFence’s identity headers', async () => {
    const before = upstream.seen.length;
    const original = signOriginal({
      credentials: t.root,
      host: 'orders.example.com',
      path: '/v1/orders',
      query: { page: '2' },
    });
    const reply = await toGateway(g.port, original, { 'x-forwarded-for': '203.0.113.7' });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.Principal, 'root');
    const seen = upstream.seen[before]!;
    assert.equal(seen.url, '/v1/orders?page=2');
    assert.equal(seen.headers.host, 'orders.example.com');
    assert.equal(seen.headers['x-keyfence-account-id'], t.accountId);
    assert.equal(seen.headers['x-keyfence-access-key-id'], t.root.accessKeyId);
    assert.equal(seen.headers['x-keyfence-credential-type'], 'permanent');
    // From a trusted proxy, the chain goes on with the proxy appended.
    assert.equal(seen.headers['x-forwarded-for'], '203.0.113.7, 127.0.0.1');
    // The upstream may verify the signature again: what was signed arrives unchanged.
    assert.equal(seen.headers.authorization, original.headers.authorization);
    const record = t.audit.find(reply.body.RequestId);
    assert.equal(record.entryPoint, 'gateway');
    assert.equal(record.service, 'orders');
    assert.deepEqual(record.original, { method: 'GET', host: 'orders.example.com', path: '/v1/orders' });
    assert.equal(record.decision?.reason, 'public-ip-allowed');
    assert.equal(record.httpStatus, 200);
    assert.equal(record.errorCode, null);
  });

  test('routes by signed Version, onto the upstream’s path prefix', async () => {
    const before = other.seen.length;
    const reply = await toGateway(
      g.port,
      signOriginal({ credentials: t.root, host: 'anything.example.com', path: '/x', version: '2099-01-01' }),
    );
    assert.equal(reply.status, 200, reply.text);
    assert.equal(other.seen[before]!.url, '/base/x');
    assert.equal(t.audit.find(reply.body.RequestId).service, 'billing');
  });

  test('no route: 404, and no upstream sees the request', async () => {
    const before = upstream.seen.length + other.seen.length;
    const reply = await toGateway(g.port, signOriginal({ credentials: t.root, host: 'nowhere.example.com' }));
    const body = expectError(reply, 404, 'InvalidApi.NotFound');
    assert.equal(upstream.seen.length + other.seen.length, before);
    assert.equal(t.audit.find(body.RequestId).entryPoint, 'gateway');
  });

  test('an unsigned request on any path is MissingAccessKeyId, and no upstream sees it', async () => {
    const before = upstream.seen.length;
    for (const [method, path, headers, body] of [
      ['GET', '/', {}, ''],
      ['GET', '/v1/orders?page=2', {}, ''],
      ['POST', '/v1/orders', { 'content-type': 'application/json' }, '{"item":1}'],
    ] as const) {
      const reply = await send(g.port, {
        method,
        path,
        headers: { host: 'orders.example.com', ...headers },
        body,
      });
      const error = expectError(reply, 400, 'MissingAccessKeyId');
      assert.equal(t.audit.find(error.RequestId).errorCode, 'MissingAccessKeyId');
    }
    assert.equal(upstream.seen.length, before);
  });

  test('a repeated Authorization header: refused, and no upstream sees the request', async () => {
    const before = upstream.seen.length;
    const original = signOriginal({ credentials: t.root, host: 'orders.example.com' });
    const { authorization, ...rest } = original.headers;
    const reply = await send(g.port, {
      method: original.method,
      path: original.target,
      headers: { ...rest, authorization: [String(authorization), String(authorization)] },
      body: original.body,
    });
    assert.equal(reply.status, 400, reply.text);
    assert.match(reply.text, /IncompleteSignature/);
    assert.equal(upstream.seen.length, before);
  });

  test('denied by the network ACL: Alibaba’s denial, and no upstream sees the request', async () => {
    const before = upstream.seen.length;
    const reply = await toGateway(g.port, signOriginal({ credentials: t.root, host: 'orders.example.com' }), {
      'x-forwarded-for': DENIED_CLIENT,
    });
    const body = expectError(reply, 400, 'InvalidAccessKeyId.AccessPolicyDenied');
    assert.equal(body.AccessDeniedDetail.SourceIp, DENIED_CLIENT);
    assert.equal(upstream.seen.length, before);
  });

  test('an exempt path lets the denied source through, still authenticated and audited', async () => {
    const original = signOriginal({
      credentials: t.root,
      host: 'orders.example.com',
      path: '/public/catalogue',
    });
    const reply = await toGateway(g.port, original, { 'x-forwarded-for': DENIED_CLIENT });
    assert.equal(reply.status, 200, reply.text);
    const record = t.audit.find(reply.body.RequestId);
    assert.equal(record.decision?.reason, 'exempt-service');
    assert.equal(record.caller?.accessKeyId, t.root.accessKeyId);
    const forged = { ...original, target: '/public/other' };
    expectError(
      await toGateway(g.port, forged, { 'x-forwarded-for': DENIED_CLIENT }),
      400,
      'SignatureDoesNotMatch',
    );
  });

  test('an STS session is named, and network ACLs do not apply to it', async () => {
    const sts = await issueStsCredentials(t);
    const before = upstream.seen.length;
    const reply = await toGateway(g.port, signOriginal({ credentials: sts, host: 'orders.example.com' }), {
      'x-forwarded-for': DENIED_CLIENT,
    });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(upstream.seen[before]!.headers['x-keyfence-principal'], 'assumed-role/tester/session-1');
    assert.equal(upstream.seen[before]!.headers['x-keyfence-credential-type'], 'temporary');
  });

  test('a form body is verified whole (HMAC-SHA1 signs its parameters) and forwarded intact', async () => {
    const before = upstream.seen.length;
    const form = 'Name=order-1&Count=3';
    const original = signOriginal({
      credentials: t.root,
      host: 'orders.example.com',
      method: 'POST',
      body: Buffer.from(form),
      contentType: 'application/x-www-form-urlencoded',
    });
    const reply = await toGateway(g.port, original);
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.Bytes, form.length);
    assert.equal(upstream.seen[before]!.headers['content-length'], String(form.length));
    // HMAC-SHA1 covers no body but a form's: a JSON body would pass unsigned.
    const v2 = signOriginal({
      credentials: t.root,
      host: 'orders.example.com',
      method: 'POST',
      signature: 'v2',
    });
    const unsigned = await toGateway(
      g.port,
      { ...v2, body: Buffer.from('{"evil":true}') },
      { 'content-type': 'application/json' },
    );
    expectError(unsigned, 400, 'IncompleteSignature');
  });
});

describe('the gateway in front of clients', async () => {
  const upstream = await startUpstream();
  const t = await startTestServer(
    {
      gateway: {
        routes: [
          { host: 'orders.example.com', version: undefined, service: 'orders', upstream: upstream.url },
        ],
        upstreamTimeoutMs: 30_000,
      },
    },
    gatewayListener,
  );
  const g = { port: t.port };

  test('strips identity, VPC and forwarding headers a client sends, and its Connection-listed fields', async () => {
    const before = upstream.seen.length;
    const original = signOriginal({ credentials: t.root, host: 'orders.example.com' });
    const reply = await toGateway(g.port, original, {
      'x-keyfence-principal': 'root',
      'x-keyfence-account-id': '1111111111111111',
      'x-keyfence-anything': 'forged',
      'x-forwarded-vpc-id': 'vpc-forged',
      'x-forwarded-for': '10.0.0.1',
      forwarded: 'for=10.0.0.1',
      'x-real-ip': '10.0.0.1',
      connection: 'keep-alive, x-hop-secret',
      'x-hop-secret': 'for the gateway only',
      'keep-alive': 'timeout=5',
      'proxy-authorization': 'Basic Zm9vOmJhcg==',
      'x-end-to-end': 'kept',
    });
    assert.equal(reply.status, 200, reply.text);
    const seen = upstream.seen[before]!;
    assert.deepEqual(headerOf(seen.rawHeaders, 'x-keyfence-principal'), ['root']);
    assert.deepEqual(headerOf(seen.rawHeaders, 'x-keyfence-account-id'), [t.accountId]);
    assert.deepEqual(headerOf(seen.rawHeaders, 'x-forwarded-for'), ['127.0.0.1']);
    for (const name of [
      'x-keyfence-anything',
      'x-forwarded-vpc-id',
      'forwarded',
      'x-real-ip',
      'x-hop-secret',
      'keep-alive',
      'proxy-authorization',
    ]) {
      assert.deepEqual(headerOf(seen.rawHeaders, name), [], name);
    }
    assert.equal(seen.headers['x-end-to-end'], 'kept');
  });

  test('a client’s X-Forwarded-For is no help with the network ACL', async () => {
    await setPolicy(t, { kind: 'account' }, classicPolicy('203.0.113.0/24'));
    const reply = await toGateway(g.port, signOriginal({ credentials: t.root, host: 'orders.example.com' }), {
      'x-forwarded-for': '203.0.113.7',
    });
    const body = expectError(reply, 400, 'InvalidAccessKeyId.AccessPolicyDenied');
    assert.equal(body.AccessDeniedDetail.SourceIp, '127.0.0.1');
    await setPolicy(t, { kind: 'account' }, { Version: 1, Status: 'Inactive', Statements: [] });
  });

  test('the upstream’s hop-by-hop fields stay between it and the gateway', async () => {
    upstream.handler = (req, res) => {
      req.resume();
      res.writeHead(201, {
        connection: 'x-up-secret',
        'x-up-secret': 'between the hops',
        'x-visible': 'yes',
        'content-type': 'application/json',
      });
      res.end('{"Created":true}');
    };
    try {
      const reply = await toGateway(
        g.port,
        signOriginal({ credentials: t.root, host: 'orders.example.com' }),
      );
      assert.equal(reply.status, 201);
      assert.deepEqual(reply.body, { Created: true });
      assert.equal(reply.headers['x-visible'], 'yes');
      assert.equal(reply.headers['x-up-secret'], undefined);
    } finally {
      upstream.handler = echoIdentity;
    }
  });
});

const MIB = 1024 * 1024;
const CHUNK = 64 * 1024;
const PATTERNS = Array.from({ length: 7 }, (_, i) => Buffer.alloc(CHUNK, 0x41 + i));
/** The `i`th chunk of a generated body: never held whole anywhere. */
const chunkOf = (i: number) => PATTERNS[i % PATTERNS.length]!;

// A full collection before each memory sample, so that what is measured is what is held, not
// buffers already dropped and not yet collected.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function digestOf(size: number): string {
  const hash = createHash('sha256');
  for (let i = 0; i < size / CHUNK; i++) hash.update(chunkOf(i));
  return hash.digest('hex');
}

/** Writes a generated body of `size` bytes to `out`, waiting for 'drain' whenever it asks to, then ends it. */
function writeGenerated(out: Writable, size: number): void {
  let i = 0;
  const write = () => {
    while (i < size / CHUNK) {
      if (!out.write(chunkOf(i++))) {
        out.once('drain', write);
        return;
      }
    }
    out.end();
  };
  write();
}

/** Counts and hashes what `body` carries, as it arrives. */
function measureBody(body: Readable): { readonly bytes: () => number; readonly sha256: () => string } {
  const hash = createHash('sha256');
  let bytes = 0;
  body.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    hash.update(chunk);
  });
  return { bytes: () => bytes, sha256: () => hash.digest('hex') };
}

/**
 * The next request `upstream` receives, watched without an answer: when it arrives, how many body
 * bytes reach it, whether its body ended, and when its connection closes.
 */
function watchUpstream(upstream: Awaited<ReturnType<typeof startUpstream>>): {
  readonly arrived: Promise<void>;
  readonly closed: Promise<void>;
  readonly bytes: () => number;
  readonly ended: () => boolean;
} {
  let bytes = 0;
  let ended = false;
  let arrive!: () => void;
  const arrived = new Promise<void>((resolve) => {
    arrive = resolve;
  });
  const closed = new Promise<void>((resolve) => {
    upstream.handler = (req) => {
      arrive();
      req.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      req.on('end', () => {
        ended = true;
      });
      req.on('close', () => resolve());
    };
  });
  return { arrived, closed, bytes: () => bytes, ended: () => ended };
}

interface Streamed {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly bytes: number;
  readonly sha256: string;
  /** False when the connection was cut before the response's end. */
  readonly complete: boolean;
}

/** Sends `original` with a generated body of `size` bytes (backpressure respected), hashing the answer. */
function stream(port: number, original: Original, size: number): Promise<Streamed> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: original.method,
        path: original.target,
        headers: { ...original.headers, 'content-length': String(size) },
        agent: false,
      },
      (res) => {
        const received = measureBody(res);
        let complete = false;
        res.on('end', () => {
          complete = true;
        });
        res.on('error', () => {});
        res.on('close', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            bytes: received.bytes(),
            sha256: received.sha256(),
            complete,
          }),
        );
      },
    );
    req.on('error', reject);
    writeGenerated(req, size);
  });
}

describe('the gateway streaming bodies', async () => {
  const upstream = await startUpstream();
  const t = await startTestServer(
    {
      gateway: {
        routes: [{ host: 'files.example.com', version: undefined, service: 'files', upstream: upstream.url }],
        upstreamTimeoutMs: 30_000,
      },
    },
    gatewayListener,
  );
  const g = { port: t.port };

  test('50 MB up and 50 MB down, without the gateway holding either', async () => {
    const size = 50 * MIB;
    const digest = digestOf(size);
    upstream.handler = (req, res) => {
      const received = measureBody(req);
      req.on('end', () => {
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'x-received-bytes': String(received.bytes()),
          'x-received-sha256': received.sha256(),
        });
        writeGenerated(res, size);
      });
    };
    collectGarbage();
    const baseline = process.memoryUsage().arrayBuffers;
    let peak = baseline;
    const sampler = setInterval(() => {
      collectGarbage();
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }, 10);
    try {
      const original = signOriginal({
        credentials: t.root,
        host: 'files.example.com',
        method: 'PUT',
        path: '/upload',
        contentSha256: digest,
        contentType: 'application/octet-stream',
      });
      const reply = await stream(g.port, original, size);
      assert.equal(reply.status, 200);
      assert.equal(reply.headers['x-received-bytes'], String(size));
      assert.equal(reply.headers['x-received-sha256'], digest);
      assert.equal(reply.bytes, size);
      assert.equal(reply.sha256, digest);
      assert.ok(reply.complete);
    } finally {
      clearInterval(sampler);
      upstream.handler = echoIdentity;
    }
    // Client, gateway and upstream share this process: what all three held at once (about 8 MiB
    // here, 4 of them with the client talking to the upstream directly) stayed far below one copy
    // of the body.
    const grown = peak - baseline;
    assert.ok(grown < 16 * MIB, `array buffers grew by ${(grown / MIB).toFixed(1)} MiB`);
  });

  test('a body that is not the signed one never reaches the upstream whole', async () => {
    const size = 4 * MIB;
    const seen = watchUpstream(upstream);
    try {
      const original = signOriginal({
        credentials: t.root,
        host: 'files.example.com',
        method: 'PUT',
        contentSha256: digestOf(size).replace(/^./, (c) => (c === '0' ? '1' : '0')),
      });
      const reply = await stream(g.port, original, size);
      assert.equal(reply.status, 400);
      await seen.closed;
      assert.equal(seen.ended(), false);
      assert.ok(seen.bytes() < size, `${seen.bytes()} bytes reached the upstream`);
      const refused = t.audit.records.at(-1)!;
      assert.equal(refused.errorCode, 'SignatureDoesNotMatch');
      assert.equal(refused.entryPoint, 'gateway');
    } finally {
      upstream.handler = echoIdentity;
    }
  });

  // A gateway that did not cut the upstream would leave `closed` pending: the timeout fails it.
  test('a client that leaves mid-upload: the upstream’s request is cut, never ended, and the record is 499', {
    timeout: 30_000,
  }, async () => {
    const size = 4 * MIB;
    const seen = watchUpstream(upstream);
    try {
      const original = signOriginal({
        credentials: t.root,
        host: 'files.example.com',
        method: 'PUT',
        contentSha256: digestOf(size),
      });
      const client = httpRequest({
        host: '127.0.0.1',
        port: g.port,
        method: original.method,
        path: original.target,
        headers: { ...original.headers, 'content-length': String(size) },
        agent: false,
      });
      client.on('error', () => {});
      // A quarter of the body, then the client is gone.
      for (let i = 0; i < size / CHUNK / 4; i++) client.write(chunkOf(i));
      await seen.arrived;
      client.destroy();
      await seen.closed;
      assert.equal(seen.ended(), false);
      assert.ok(seen.bytes() < size, `${seen.bytes()} bytes reached the upstream`);
      await until(
        () => t.audit.records.some((r) => r.errorCode === 'ClientClosedRequest'),
        'the request is recorded as the client leaving',
      );
      const left = t.audit.records.at(-1)!;
      assert.equal(left.errorCode, 'ClientClosedRequest');
      assert.equal(left.httpStatus, 499);
      assert.equal(left.entryPoint, 'gateway');
    } finally {
      upstream.handler = echoIdentity;
    }
  });
});

describe('the gateway when its upstream fails', async () => {
  const upstream = await startUpstream();
  const t = await startTestServer(
    {
      gateway: {
        routes: [
          { host: 'up.example.com', version: undefined, service: 'up', upstream: upstream.url },
          // The discard port: nothing listens there.
          {
            host: 'gone.example.com',
            version: undefined,
            service: 'gone',
            upstream: new URL('http://127.0.0.1:9'),
          },
        ],
        upstreamTimeoutMs: 300,
      },
    },
    gatewayListener,
  );
  const g = { port: t.port };
  const ask = (host: string) => toGateway(g.port, signOriginal({ credentials: t.root, host }));

  test('unreachable: 502 ServiceUnavailable.UpstreamUnreachable', async () => {
    const body = expectError(await ask('gone.example.com'), 502, 'ServiceUnavailable.UpstreamUnreachable');
    const record = t.audit.find(body.RequestId);
    assert.equal(record.httpStatus, 502);
    assert.equal(record.service, 'gone');
  });

  test('silent past upstreamTimeoutMs: 504 ServiceUnavailable.UpstreamTimeout', async () => {
    upstream.handler = (req) => req.resume();
    try {
      expectError(await ask('up.example.com'), 504, 'ServiceUnavailable.UpstreamTimeout');
    } finally {
      upstream.handler = echoIdentity;
    }
  });

  test('reset before answering: 502; reset mid-answer: the client’s connection is cut', async () => {
    upstream.handler = (req) => req.socket.destroy();
    try {
      expectError(await ask('up.example.com'), 502, 'ServiceUnavailable.UpstreamUnreachable');
      upstream.handler = (req, res) => {
        req.resume();
        res.writeHead(200, { 'content-length': String(MIB) });
        res.write(Buffer.alloc(1024));
        setTimeout(() => res.socket?.destroy(), 20);
      };
      const reply = await stream(g.port, signOriginal({ credentials: t.root, host: 'up.example.com' }), 0);
      assert.equal(reply.status, 200);
      assert.equal(reply.complete, false);
      assert.ok(reply.bytes < MIB);
      const record = t.audit.records.at(-1)!;
      assert.equal(record.errorCode, 'ServiceUnavailable.UpstreamUnreachable');
    } finally {
      upstream.handler = echoIdentity;
    }
    // The gateway is still fine.
    assert.equal((await ask('up.example.com')).status, 200);
  });
});

describe('the gateway on a listener declared as a VPC endpoint', async () => {
  const upstream = await startUpstream();
  const t = await startTestServer(
    {
      gateway: {
        routes: [
          { host: 'orders.example.com', version: undefined, service: 'orders', upstream: upstream.url },
        ],
        upstreamTimeoutMs: 30_000,
      },
    },
    [testListener({ role: 'gateway', vpcEndpointOf: 'vpc-gw0123456789' })],
  );

  test('decides the request as a VPC request and tells the upstream which VPC, not the client’s', async () => {
    await setPolicy(
      t,
      { kind: 'account' },
      {
        Version: 1,
        Status: 'Active',
        Statements: [{ Type: 'VPCWhiteList', Value: 'vpc-gw0123456789', IPList: ['127.0.0.0/8'] }],
      },
    );
    const before = upstream.seen.length;
    const reply = await toGateway(t.port, signOriginal({ credentials: t.root, host: 'orders.example.com' }), {
      'x-forwarded-vpc-id': 'vpc-forged000000',
    });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(headerOf(upstream.seen[before]!.rawHeaders, 'x-forwarded-vpc-id'), ['vpc-gw0123456789']);
    assert.equal(t.audit.find(reply.body.RequestId).decision?.reason, 'vpc-allowed');
  });
});
