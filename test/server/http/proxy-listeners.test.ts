/**
 * PROXY protocol end to end: real TCP connections carrying real v1 lines and v2 headers (with
 * AWS TLVs) before signed RPC calls, and what the decision makes of them; listeners declared as
 * VPC endpoints; spoofing attempts; connections that never send a valid header.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { awsVpceTlv, type Tlv, v1, v2 } from '../../support/proxy-protocol.js';
import {
  type CallSpec,
  cidrs,
  expectError,
  expectSuccess,
  type RawRequest,
  type Reply,
  sendVia,
  setPolicy,
  signedRequest,
  startTestServer,
  testListener,
} from '../../support/server-harness.js';

const trustedProxies = cidrs('10.9.0.0/16');

// The load balancer in front of the PROXY listeners: this test's own connections.
const loadBalancer = cidrs('127.0.0.1/32', '::1/128');

const logLines: Record<string, unknown>[] = [];
const logger = pino(
  { level: 'debug' },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(JSON.parse(chunk.toString('utf8')));
      done();
    },
  }),
);

const t = await startTestServer(
  {
    logger,
    trustedProxies,
    vpcEndpoints: new Map([['vpce-0a1b2c3d', 'vpc-mapped1']]),
    http: { proxyHeaderTimeoutMs: 300 },
  },
  [
    testListener(),
    testListener({ proxyProtocol: 'v2', proxyProtocolFrom: loadBalancer }),
    testListener({ proxyProtocol: 'v1', proxyProtocolFrom: loadBalancer }),
    testListener({ proxyProtocol: 'any', proxyProtocolFrom: loadBalancer }),
    testListener({ proxyProtocol: 'v2', proxyProtocolFrom: loadBalancer, vpcEndpointOf: 'vpc-listener1' }),
    // Believes PROXY headers from 10.9.0.0/16 only: not from this test.
    testListener({ proxyProtocol: 'v2', proxyProtocolFrom: trustedProxies }),
  ],
);
const [plainPort, v2Port, v1Port, anyPort, vpcListenerPort, untrustingPort] = t.ports as [
  number,
  number,
  number,
  number,
  number,
  number,
];

const from = (address: string, tlvs: readonly Tlv[] = []) =>
  v2({ source: { address, port: 40_000 }, tlvs, crc: true });

const callVia = (port: number, header: Buffer, spec: Partial<CallSpec> = {}) =>
  sendVia(port, header, signedRequest(port, { action: 'GetTestValue', credentials: t.root, ...spec }));

/** The request as bytes on the wire, for tests that control the TCP writes themselves. */
function wire(raw: RawRequest): Buffer {
  const body = Buffer.from(raw.body ?? '');
  let head = `${raw.method ?? 'GET'} ${raw.path ?? '/'} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(raw.headers ?? {})) head += `${name}: ${value}\r\n`;
  head += `content-length: ${body.length}\r\nconnection: close\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** Writes `pieces` one by one (a pause between, so that TCP delivers them apart); resolves with all that came back. */
async function exchange(port: number, pieces: readonly Buffer[]): Promise<string> {
  const socket: Socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => {});
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  for (const piece of pieces) {
    if (socket.destroyed) break;
    socket.write(piece);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await closed;
  return Buffer.concat(received).toString('latin1');
}

function replyOf(text: string): Reply {
  const split = text.indexOf('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  const body = text.slice(split + 4);
  const headers = Object.fromEntries(
    text
      .slice(0, split)
      .split('\r\n')
      .slice(1)
      .map((line) => [
        line.slice(0, line.indexOf(':')).toLowerCase(),
        line.slice(line.indexOf(':') + 1).trim(),
      ]),
  );
  return { status, headers, text: body, body: JSON.parse(body) };
}

const faults = (code: string) => t.server.proxyHeaderFaults.get(code as never) ?? 0;

describe('the source a PROXY header gives', () => {
  test('v2 over IPv4 with a mapped AWS VPC endpoint: the header names the client and its VPC', async () => {
    const body = expectSuccess(await callVia(v2Port, from('10.1.2.3', [awsVpceTlv('vpce-0a1b2c3d')])));
    assert.equal(body.SourceIp, '10.1.2.3');
    assert.equal(body.VpcId, 'vpc-mapped1');
    assert.deepEqual(t.audit.find(body.RequestId).source, {
      ip: '10.1.2.3',
      vpcId: 'vpc-mapped1',
      fault: null,
    });
  });

  test('an endpoint ID the configuration does not map gives no VPC', async () => {
    const body = expectSuccess(await callVia(v2Port, from('10.1.2.3', [awsVpceTlv('vpce-unknown')])));
    assert.equal(body.VpcId, null);
  });

  test('v2 over IPv6, and an IPv4-mapped client', async () => {
    assert.equal(expectSuccess(await callVia(v2Port, from('2001:db8::77'))).SourceIp, '2001:db8::77');
    assert.equal(expectSuccess(await callVia(v2Port, from('::ffff:198.51.100.9'))).SourceIp, '198.51.100.9');
  });

  test('v1 lines, TCP4 and TCP6', async () => {
    const four = await callVia(v1Port, v1('PROXY TCP4 198.51.100.4 192.0.2.1 40000 443\r\n'));
    assert.equal(expectSuccess(four).SourceIp, '198.51.100.4');
    const six = await callVia(v1Port, v1('PROXY TCP6 2001:db8::1:5 2001:db8::1 40000 443\r\n'));
    assert.equal(expectSuccess(six).SourceIp, '2001:db8::1:5');
    const mapped = await callVia(v1Port, v1('PROXY TCP6 ::ffff:198.51.100.6 ::ffff:192.0.2.1 40000 443\r\n'));
    assert.equal(expectSuccess(mapped).SourceIp, '198.51.100.6');
  });

  test('`any` takes either version', async () => {
    assert.equal(expectSuccess(await callVia(anyPort, from('198.51.100.20'))).SourceIp, '198.51.100.20');
    const line = v1('PROXY TCP4 198.51.100.21 192.0.2.1 1 2\r\n');
    assert.equal(expectSuccess(await callVia(anyPort, line)).SourceIp, '198.51.100.21');
  });

  test('LOCAL (a health check) and UNKNOWN keep the real TCP peer', async () => {
    const local = await callVia(v2Port, v2({ command: 'local' }));
    assert.equal(expectSuccess(local).SourceIp, '127.0.0.1');
    assert.equal(expectSuccess(await callVia(v1Port, v1('PROXY UNKNOWN\r\n'))).SourceIp, '127.0.0.1');
  });

  test('a listener declared as a VPC endpoint decides the VPC, whatever the TLV says', async () => {
    const body = expectSuccess(
      await callVia(vpcListenerPort, from('10.1.2.3', [awsVpceTlv('vpce-0a1b2c3d')])),
    );
    assert.equal(body.VpcId, 'vpc-listener1');
    assert.equal(body.SourceIp, '10.1.2.3');
  });

  test('a PROXY source that is a trusted proxy has its X-Forwarded-For walked', async () => {
    const body = expectSuccess(
      await callVia(v2Port, from('10.9.0.5'), { headers: { 'x-forwarded-for': '203.0.113.50' } }),
    );
    assert.equal(body.SourceIp, '203.0.113.50');
  });

  test('every request on a kept-alive connection has the source of its header', async () => {
    const text = await exchange(v2Port, [from('198.51.100.33'), pipelined(v2Port, 2)]);
    const bodies = [...text.matchAll(/\{"RequestId"[^}]*\}/g)].map((m) => JSON.parse(m[0]));
    assert.equal(bodies.length, 2, text);
    for (const body of bodies) assert.equal(body.SourceIp, '198.51.100.33');
  });
});

/** `count` signed requests back to back, the last one closing the connection. */
function pipelined(port: number, count: number): Buffer {
  const requests: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const raw = signedRequest(port, { action: 'GetTestValue', credentials: t.root });
    const bytes = wire(raw).toString('latin1');
    requests.push(
      Buffer.from(
        i < count - 1 ? bytes.replace('connection: close', 'connection: keep-alive') : bytes,
        'latin1',
      ),
    );
  }
  return Buffer.concat(requests);
}

describe('TCP delivery', () => {
  test('header and request in one segment: the bytes after the header reach HTTP', async () => {
    const request = wire(signedRequest(v2Port, { action: 'GetTestValue', credentials: t.root }));
    const reply = replyOf(await exchange(v2Port, [Buffer.concat([from('198.51.100.40'), request])]));
    assert.equal(expectSuccess(reply).SourceIp, '198.51.100.40');
  });

  test('a header arriving a few bytes at a time, the last piece carrying the start of the request', async () => {
    for (const [port, header] of [
      [v2Port, from('198.51.100.41', [awsVpceTlv('vpce-0a1b2c3d')])],
      [v1Port, v1('PROXY TCP4 198.51.100.42 192.0.2.1 40000 443\r\n')],
    ] as const) {
      const bytes = Buffer.concat([
        header,
        wire(signedRequest(port, { action: 'GetTestValue', credentials: t.root })),
      ]);
      const text = await exchange(port, [...byteRuns(bytes, header.length + 10, 7)]);
      const body = expectSuccess(replyOf(text));
      assert.match(body.SourceIp, /^198\.51\.100\.4[12]$/);
    }
  });
});

/** `bytes` as pieces of `size` up to `until`, then the rest in one piece. */
function* byteRuns(bytes: Buffer, until: number, size: number): Generator<Buffer> {
  let at = 0;
  for (; at < until; at += size) yield bytes.subarray(at, Math.min(at + size, until));
  yield bytes.subarray(Math.min(at, until));
}

describe('the decision uses the PROXY source', () => {
  let version = 0;
  before(async () => {
    version = await setPolicy(
      t,
      { kind: 'accessKey', accessKeyId: t.root.accessKeyId },
      {
        Version: 1,
        Status: 'Active',
        Statements: [
          { Type: 'ClassicWhiteList', IPList: ['203.0.113.7/32', '2001:db8:7::/48'] },
          { Type: 'VPCWhiteList', Value: 'vpc-mapped1', IPList: ['10.1.2.3/32'] },
        ],
      },
    );
  });
  const denied = (reply: Reply, detail: Record<string, unknown>) => {
    const body = expectError(reply, 400, 'InvalidAccessKeyId.AccessPolicyDenied');
    assert.deepEqual(body.AccessDeniedDetail, { DeniedBy: 'AccessKey', PolicyVersion: version, ...detail });
  };

  test('an allowed public address and VPC pass; others are denied with their own detail', async () => {
    expectSuccess(await callVia(v2Port, from('203.0.113.7')));
    expectSuccess(await callVia(v1Port, v1('PROXY TCP6 2001:db8:7::1 2001:db8::1 1 2\r\n')));
    expectSuccess(await callVia(v2Port, from('10.1.2.3', [awsVpceTlv('vpce-0a1b2c3d')])));
    denied(await callVia(v2Port, from('203.0.113.8')), {
      SourceIp: '203.0.113.8',
      VpcId: null,
      Reason: 'public-ip-not-allowed',
    });
    denied(await callVia(v2Port, from('10.1.2.4', [awsVpceTlv('vpce-0a1b2c3d')])), {
      SourceIp: '10.1.2.4',
      VpcId: 'vpc-mapped1',
      Reason: 'vpc-not-allowed',
    });
    // The allowed address from a VPC the policy does not name.
    denied(await callVia(vpcListenerPort, from('10.1.2.3')), {
      SourceIp: '10.1.2.3',
      VpcId: 'vpc-listener1',
      Reason: 'vpc-not-allowed',
    });
  });

  test('spoofing: forwarding headers from a client that is not a trusted proxy change nothing', async () => {
    const spoofed = {
      'x-forwarded-for': '203.0.113.7',
      forwarded: 'for=203.0.113.7',
      'x-forwarded-vpc-id': 'vpc-mapped1',
    };
    denied(await callVia(v2Port, from('203.0.113.8'), { headers: spoofed }), {
      SourceIp: '203.0.113.8',
      VpcId: null,
      Reason: 'public-ip-not-allowed',
    });
    const direct = await sendVia(
      plainPort,
      Buffer.alloc(0),
      signedRequest(plainPort, { action: 'GetTestValue', credentials: t.root, headers: spoofed }),
    );
    denied(direct, { SourceIp: '127.0.0.1', VpcId: null, Reason: 'public-ip-not-allowed' });
    // The VPC header alone, with an address the VPC statement allows, from the PROXY source itself.
    denied(await callVia(v2Port, from('10.1.2.3'), { headers: { 'x-forwarded-vpc-id': 'vpc-mapped1' } }), {
      SourceIp: '10.1.2.3',
      VpcId: null,
      Reason: 'public-ip-not-allowed',
    });
  });

  test('a PROXY header sent to a listener not configured for it is just bad HTTP', async () => {
    const request = wire(signedRequest(plainPort, { action: 'GetTestValue', credentials: t.root }));
    for (const header of [from('203.0.113.7'), v1('PROXY TCP4 203.0.113.7 192.0.2.1 1 2\r\n')]) {
      const reply = replyOf(await exchange(plainPort, [Buffer.concat([header, request])]));
      expectError(reply, 400, 'InvalidRequest.Malformed');
    }
  });

  after(() =>
    setPolicy(
      t,
      { kind: 'accessKey', accessKeyId: t.root.accessKeyId },
      { Version: 1, Status: 'Inactive', Statements: [] },
    ),
  );
});

describe('connections without a valid header are closed, never answered', () => {
  const request = () => wire(signedRequest(v2Port, { action: 'GetTestValue', credentials: t.root }));

  test('plain HTTP on a PROXY listener', async () => {
    const before = faults('ProxyProtocol.NotAHeader');
    for (const port of [v2Port, v1Port, anyPort]) assert.equal(await exchange(port, [request()]), '');
    assert.equal(faults('ProxyProtocol.NotAHeader'), before + 3);
    const logged = logLines.filter((line) => line.msg === 'connection refused: PROXY header');
    assert.ok(logged.length >= 3);
    assert.equal(logged.at(-1)!.level, 20, 'logged at debug level');
    assert.equal(logged.at(-1)!.code, 'ProxyProtocol.NotAHeader');
    assert.equal(logged.at(-1)!.peer, '127.0.0.1');
  });

  test('a PROXY header from a peer that is not its load balancer is not even read', async () => {
    const before = faults('ProxyProtocol.UntrustedPeer');
    const spoof = Buffer.concat([from('203.0.113.7'), request()]);
    assert.equal(await exchange(untrustingPort, [spoof]), '');
    assert.equal(faults('ProxyProtocol.UntrustedPeer'), before + 1);
  });

  test('the other version than the listener takes', async () => {
    assert.equal(await exchange(v1Port, [Buffer.concat([from('203.0.113.7'), request()])]), '');
    assert.equal(
      await exchange(v2Port, [Buffer.concat([v1('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n'), request()])]),
      '',
    );
  });

  test('a bad header: checksum, TLV, address', async () => {
    const before = faults('ProxyProtocol.ChecksumMismatch');
    const bad = from('203.0.113.7');
    bad[16] ^= 1;
    assert.equal(await exchange(v2Port, [Buffer.concat([bad, request()])]), '');
    assert.equal(faults('ProxyProtocol.ChecksumMismatch'), before + 1);
    const badEndpointId = v2({ source: { address: '203.0.113.7', port: 1 }, tlvs: [awsVpceTlv('vpce x')] });
    assert.equal(await exchange(v2Port, [Buffer.concat([badEndpointId, request()])]), '');
    assert.equal(await exchange(v1Port, [v1('PROXY TCP4 203.0.113.007 192.0.2.1 1 2\r\n'), request()]), '');
  });

  test('a header that never completes is cut off by the time limit', async () => {
    const before = faults('ProxyProtocol.Timeout');
    assert.equal(await exchange(v2Port, [from('203.0.113.7').subarray(0, 20)]), '');
    assert.equal(faults('ProxyProtocol.Timeout'), before + 1);
  });

  test('a client that leaves mid-header is counted, and the server carries on', async () => {
    const before = faults('ProxyProtocol.Closed');
    const socket = connect(v2Port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.end(from('203.0.113.7').subarray(0, 10));
    await new Promise((resolve) => socket.on('close', resolve));
    while (faults('ProxyProtocol.Closed') === before) await new Promise((resolve) => setTimeout(resolve, 5));
    expectSuccess(await callVia(v2Port, from('203.0.113.7')));
  });
});
