import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  call,
  classicPolicy,
  createUserKey,
  send,
  setPolicy,
  startTestServer,
} from '../../support/server-harness.js';

const identity = { action: 'GetTestIdentity', version: '2015-04-01' } as const;

function series(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

test('/metrics counts the decisions the node made and reports the version it enforces', async () => {
  const t = await startTestServer();
  const key = await createUserKey(t, 'metered');
  const version = await setPolicy(
    t,
    { kind: 'accessKey', accessKeyId: key.accessKeyId },
    classicPolicy('127.0.0.1'),
  );
  assert.equal((await call(t.port, { ...identity, credentials: key })).status, 200);
  await setPolicy(t, { kind: 'accessKey', accessKeyId: key.accessKeyId }, classicPolicy('198.51.100.7'));
  assert.equal((await call(t.port, { ...identity, credentials: key })).status, 400);
  assert.equal((await call(t.port, { ...identity, credentials: key })).status, 400);

  const scrape = await send(t.port, { path: '/metrics' });
  assert.equal(scrape.status, 200);
  assert.match(String(scrape.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const text = scrape.text;
  assert.equal(series(text, 'keyfence_decisions_total{result="allow",reason="public-ip-allowed"}'), 1);
  assert.equal(series(text, 'keyfence_decisions_total{result="deny",reason="public-ip-not-allowed"}'), 2);
  assert.equal(series(text, 'keyfence_policy_version_applied'), t.server.appliedVersion);
  assert.ok(t.server.appliedVersion > version);
  assert.equal(series(text, 'keyfence_store_stale'), 0);
  const count = series(text, 'keyfence_decision_duration_seconds_count')!;
  assert.equal(count, 1, 'the first decision is timed, then one in 16');
  assert.equal(series(text, 'keyfence_decision_duration_seconds_bucket{le="+Inf"}'), count);

  const wrongMethod = await send(t.port, { method: 'POST', path: '/metrics' });
  assert.equal(wrongMethod.status, 405);
});
