/**
 * Coalescing through a real server over a real SQLite store: a burst of identical forward-auth
 * checks (nginx `auth_request`, ACS3-signed originals) is stored as events whose counts add up to
 * the burst, read back with LookupEvents; a denied check in the middle of it is an event of its
 * own, findable by its RequestId; /metrics counts the folded requests. With `coalesce: false`
 * every check is its own event.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { StoreAuditSink } from '../../src/audit/store-audit-sink.js';
import { signOriginal, viaNginx } from '../server/forward-auth/support.js';
import { useDialects } from '../store/support/dialects.js';
import { classicPolicy } from '../store/support/policies.js';
import { newAccount, storeHarness } from '../store/support/store-harness.js';
import { type Credentials, call, expectSuccess, type Reply, send } from '../support/server-harness.js';
import { startAuditedServer } from './audited-server.js';

const BURST = 30;
const ALLOWED_CLIENT = '203.0.113.7';
const DENIED_CLIENT = '198.51.100.9';
const [sqlite] = useDialects();

/** A server with a StoreAuditSink (`coalesce` as given); its root key is allowed from 203.0.113.0/24. */
async function serve(coalesce: boolean) {
  const { store } = await storeHarness(sqlite!).fresh();
  const accountId = await newAccount(store);
  const key = await store.write((tx) => tx.createAccessKey(accountId));
  const root: Credentials = { accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret };
  // 127.0.0.1: LookupEvents, called from here.
  const policy = classicPolicy('203.0.113.0/24', '127.0.0.1');
  const { version } = await store.write((tx) =>
    tx.setPolicy({ scope: 'account', accountId }, policy, { actor: 'test' }),
  );
  const sink = new StoreAuditSink(store, { flushIntervalMs: 3_600_000, coalesce });
  const { server, port } = await startAuditedServer(store, sink, { pollIntervalMs: 25 });
  after(async () => {
    await server.close();
    await sink.close();
  });
  const deadline = Date.now() + 5000;
  while (server.appliedVersion < version) {
    assert.ok(Date.now() < deadline, 'the server did not apply the policy');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  /** One forward-auth check of `GET ecs.example.com/instances` from `clientIp`. */
  const check = (clientIp: string) =>
    viaNginx(port, signOriginal({ credentials: root, path: '/instances' }), { clientIp });
  /** The account's forward-auth events, oldest first, every page. */
  const forwardAuthEvents = async () => {
    const events: Reply['body'][] = [];
    let token = '';
    do {
      const body = expectSuccess(
        await call(port, {
          action: 'LookupEvents',
          version: '2020-07-06',
          credentials: root,
          params: {
            'LookupAttribute.1.Key': 'AccessKeyId',
            'LookupAttribute.1.Value': root.accessKeyId,
            Direction: 'FORWARD',
            MaxResults: '50',
            ...(token === '' ? {} : { NextToken: token }),
          },
        }),
      );
      events.push(...body.Events);
      token = body.NextToken;
    } while (token !== '');
    return events.filter((event) => event.keyfence.entryPoint === 'forward-auth');
  };
  return { port, sink, check, forwardAuthEvents };
}

/** `count` checks from `clientIp`, ten at a time; each must be answered `status`. */
async function burst(check: (ip: string) => Promise<Reply>, count: number, clientIp: string) {
  for (let sent = 0; sent < count; sent += 10) {
    const replies = await Promise.all(
      Array.from({ length: Math.min(10, count - sent) }, () => check(clientIp)),
    );
    for (const reply of replies) assert.equal(reply.status, 200, reply.text);
  }
}

describe('coalesced events through a real server', () => {
  test('a burst of identical checks: counts add up to the burst; a denied check is its own event', async () => {
    const { port, sink, check, forwardAuthEvents } = await serve(true);
    await burst(check, BURST / 2, ALLOWED_CLIENT);
    const deniedReply = await check(DENIED_CLIENT);
    assert.equal(deniedReply.status, 400);
    await burst(check, BURST / 2, ALLOWED_CLIENT);
    await sink.flush();

    const events = await forwardAuthEvents();
    const allowed = events.filter((event) => event.keyfence.allowed === true);
    const denied = events.filter((event) => event.keyfence.allowed === false);
    assert.equal(
      allowed.reduce((sum, event) => sum + event.keyfence.count, 0),
      BURST,
      'every allowed check is counted',
    );
    assert.ok(allowed.length < BURST, `${allowed.length} events for ${BURST} identical checks`);
    for (const event of allowed) {
      assert.equal(event.sourceIpAddress, ALLOWED_CLIENT);
      assert.deepEqual(event.keyfence.request, {
        method: 'GET',
        host: 'ecs.example.com',
        path: '/instances',
      });
      if (event.keyfence.count === 1) assert.equal(event.keyfence.lastTime, null);
      else {
        assert.match(event.keyfence.lastTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        assert.equal(event.keyfence.lastTime.slice(0, 19), event.eventTime.slice(0, 19), 'within its second');
      }
    }
    assert.equal(denied.length, 1);
    assert.equal(denied[0]!.keyfence.count, 1);
    assert.equal(denied[0]!.requestId, deniedReply.body.RequestId);
    assert.equal(denied[0]!.sourceIpAddress, DENIED_CLIENT);

    const metrics = (await send(port, { path: '/metrics' })).text;
    const coalesced = /^keyfence_audit_requests_coalesced_total (\d+)$/m.exec(metrics);
    assert.equal(Number(coalesced?.[1]), BURST - allowed.length);
    assert.equal(sink.counters.coalesced, BURST - allowed.length);
  });

  test('with coalesce: false every check is an event of its own', async () => {
    const { sink, check, forwardAuthEvents } = await serve(false);
    await burst(check, 10, ALLOWED_CLIENT);
    await sink.flush();
    const events = await forwardAuthEvents();
    assert.equal(events.length, 10);
    assert.deepEqual(
      events.map((event) => event.keyfence.count),
      Array(10).fill(1),
    );
    assert.equal(sink.counters.coalesced, 0);
  });
});
