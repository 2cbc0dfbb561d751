/**
 * The gateway under `audit.durability: strict` (docs/audit.md, "Durability"), with an audit sink
 * whose `recordDurably` the test settles: the client gets no answer head (the upstream's or a
 * refusal) before the request's event is durable, 503 `ServiceUnavailable` when it was lost, and
 * an answer broken off after its head gets a second event saying how it ended.
 */
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { AuditSink } from '../../src/audit/audit-sink.js';
import type { RequestRecord } from '../../src/request/request-record.js';
import { type Original, signOriginal } from '../server/forward-auth/support.js';
import { echoIdentity, startUpstream } from '../support/gateway-upstream.js';
import {
  classicPolicy,
  loopbackProxies,
  setPolicy,
  startTestServer,
  testListener,
} from '../support/server-harness.js';

interface Held {
  readonly record: RequestRecord;
  readonly settle: (durable: boolean) => void;
}

/** `record` keeps what it is given; `recordDurably` holds each record until the test settles it. */
class HeldAuditSink implements AuditSink {
  readonly records: RequestRecord[] = [];
  readonly #held: Held[] = [];
  readonly #waiting: ((held: Held) => void)[] = [];

  record(record: RequestRecord): void {
    this.records.push(record);
  }

  async flush(): Promise<void> {}

  readonly recordDurably = (record: RequestRecord): Promise<boolean> =>
    new Promise((settle) => {
      const held = { record, settle };
      const waiting = this.#waiting.shift();
      if (waiting === undefined) this.#held.push(held);
      else waiting(held);
    });

  /** The next record handed to `recordDurably`, still held. */
  async next(): Promise<Held> {
    const held = this.#held.shift();
    if (held !== undefined) return held;
    return Promise.race([
      new Promise<Held>((resolve) => this.#waiting.push(resolve)),
      delay(5000, undefined, { ref: false }).then(() => assert.fail('no record was handed to recordDurably')),
    ]);
  }

  /** The records of `requestId` made through `record`, once there are `count`. */
  async recorded(requestId: string, count: number): Promise<RequestRecord[]> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = this.records.filter((record) => record.requestId === requestId);
      if (found.length >= count) return found;
      assert.ok(Date.now() < deadline, `${found.length} records of ${requestId}, expected ${count}`);
      await delay(10);
    }
  }
}

interface Answered {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are inspected field by field
  readonly body: any;
  readonly complete: boolean;
}

interface Asked {
  /** Whether the answer's head has arrived. */
  readonly headed: () => boolean;
  /** The answer, once its connection closed; rejects when it closed before a head. */
  readonly answered: Promise<Answered>;
  readonly abort: () => void;
}

function ask(port: number, original: Original, headers: Record<string, string> = {}): Asked {
  let headed = false;
  let abort = () => {};
  const answered = new Promise<Answered>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: original.method,
        path: original.target,
        headers: { ...original.headers, ...headers },
        agent: false,
      },
      (res) => {
        headed = true;
        const chunks: Buffer[] = [];
        let complete = false;
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          complete = true;
        });
        res.on('error', () => {});
        res.on('close', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const json = res.headers['content-type']?.includes('json') === true && complete;
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: json ? JSON.parse(text) : text,
            complete,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(original.body);
    abort = () => req.destroy();
  });
  return { headed: () => headed, answered, abort };
}

/** Long enough for a head the gateway wrongly sent at once to arrive. */
const SETTLE_MS = 100;
const MIB = 1024 * 1024;

describe('the gateway under strict audit durability', async () => {
  const upstream = await startUpstream();
  const sink = new HeldAuditSink();
  const t = await startTestServer(
    {
      auditSink: sink,
      trustedProxies: loopbackProxies,
      gateway: {
        routes: [
          { host: 'orders.example.com', version: undefined, service: 'orders', upstream: upstream.url },
        ],
        upstreamTimeoutMs: 30_000,
      },
    },
    [testListener({ role: 'gateway' })],
  );
  await setPolicy(t, { kind: 'account' }, classicPolicy('203.0.113.0/24', '127.0.0.1'));
  const signed = () => signOriginal({ credentials: t.root, host: 'orders.example.com', path: '/v1/orders' });

  test('the upstream’s answer waits for its event; then it passes, with no other event', async () => {
    const before = upstream.seen.length;
    const asked = ask(t.port, signed());
    const held = await sink.next();
    assert.equal(upstream.seen.length, before + 1, 'the upstream has answered');
    assert.equal(held.record.entryPoint, 'gateway');
    assert.equal(held.record.httpStatus, 200);
    assert.equal(held.record.errorCode, null);
    await delay(SETTLE_MS);
    assert.equal(asked.headed(), false, 'no head before the event is durable');
    held.settle(true);
    const answered = await asked.answered;
    assert.equal(answered.status, 200);
    assert.equal(answered.body.RequestId, held.record.requestId);
    assert.equal(answered.body.Principal, 'root');
    await delay(20);
    assert.deepEqual(
      sink.records.filter((record) => record.requestId === held.record.requestId),
      [],
    );
  });

  test('an event that is lost: 503 ServiceUnavailable, the upstream’s answer discarded', async () => {
    const asked = ask(t.port, signed());
    const held = await sink.next();
    held.settle(false);
    const answered = await asked.answered;
    assert.equal(answered.status, 503);
    assert.equal(answered.body.Code, 'ServiceUnavailable');
    assert.equal(answered.body.RequestId, held.record.requestId);
    assert.match(answered.body.Message, /audit event/);
    assert.equal(answered.body.Principal, undefined, 'nothing of the upstream’s answer');

    // The gateway goes on.
    const next = ask(t.port, signed());
    (await sink.next()).settle(true);
    assert.equal((await next.answered).status, 200);
  });

  test('a refusal of the gateway’s own waits for its event too; 503 when it is lost', async () => {
    const before = upstream.seen.length;
    const denied = ask(t.port, signed(), { 'x-forwarded-for': '198.51.100.9' });
    const held = await sink.next();
    assert.equal(held.record.errorCode, 'InvalidAccessKeyId.AccessPolicyDenied');
    await delay(SETTLE_MS);
    assert.equal(denied.headed(), false, 'no refusal before its event is durable');
    held.settle(true);
    const answered = await denied.answered;
    assert.equal(answered.status, 400);
    assert.equal(answered.body.Code, 'InvalidAccessKeyId.AccessPolicyDenied');

    const unsigned = ask(t.port, {
      method: 'GET',
      host: 'orders.example.com',
      target: '/v1/orders',
      headers: { host: 'orders.example.com' },
      body: Buffer.alloc(0),
    });
    const lost = await sink.next();
    assert.equal(lost.record.errorCode, 'MissingAccessKeyId');
    lost.settle(false);
    const refused = await unsigned.answered;
    assert.equal(refused.status, 503);
    assert.equal(refused.body.Code, 'ServiceUnavailable');
    assert.equal(upstream.seen.length, before, 'no upstream saw either');
  });

  test('an answer broken off after its head: the head’s event, then one saying how it ended', async () => {
    upstream.handler = (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-length': String(MIB) });
      res.write(Buffer.alloc(1024));
      setTimeout(() => res.socket?.destroy(), 50);
    };
    try {
      const asked = ask(t.port, signed());
      const held = await sink.next();
      held.settle(true);
      const answered = await asked.answered;
      assert.equal(answered.status, 200);
      assert.equal(answered.complete, false);
      const [ended] = await sink.recorded(held.record.requestId, 1);
      assert.equal(ended!.errorCode, 'ServiceUnavailable.UpstreamUnreachable');
      assert.equal(ended!.httpStatus, 200);

      // Broken off while its head waited: no head is sent; the second event says 502.
      upstream.handler = (req, res) => {
        req.resume();
        res.writeHead(200, { 'content-length': String(MIB) });
        res.write(Buffer.alloc(1024), () => res.socket?.destroy());
      };
      const cut = ask(t.port, signed());
      const cutOff = assert.rejects(cut.answered, 'the connection is cut, with no head');
      const waiting = await sink.next();
      const [broken] = await sink.recorded(waiting.record.requestId, 1);
      assert.equal(broken!.errorCode, 'ServiceUnavailable.UpstreamUnreachable');
      assert.equal(broken!.httpStatus, 502);
      waiting.settle(true);
      await cutOff;
      assert.equal(cut.headed(), false);
    } finally {
      upstream.handler = echoIdentity;
    }
  });

  test('a client that leaves while the head waits: a second event, ClientClosedRequest', async () => {
    const asked = ask(t.port, signed());
    const held = await sink.next();
    asked.abort();
    await assert.rejects(asked.answered);
    const [left] = await sink.recorded(held.record.requestId, 1);
    assert.equal(left!.errorCode, 'ClientClosedRequest');
    assert.equal(left!.httpStatus, 499);
    held.settle(true);
    await delay(20);
    assert.equal(sink.records.filter((record) => record.requestId === held.record.requestId).length, 1);
  });
});
