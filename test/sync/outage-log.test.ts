import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { StoreError } from '../../src/store/index.js';
import { OutageLog } from '../../src/sync/outage-log.js';

function logged() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line !== '') lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, log: pino({ level: 'debug' }, stream) };
}

const databaseDown = () =>
  new StoreError('Store.Database', undefined, { cause: new Error('connect ECONNREFUSED 127.0.0.1:5432') });

test('an outage is logged as it starts, summed up every interval, and as it ends; not once per failure', () => {
  const { lines, log } = logged();
  let now = 1_000_000;
  const outage = new OutageLog({ log, summaryMs: 60_000, now: () => now });

  // Three failures a second for three minutes, as a node's poll, heartbeat and audit flush give.
  for (let second = 0; second < 180; second++) {
    outage.failed('applying the change log failed', databaseDown());
    outage.failed('recording the node status failed', databaseDown());
    outage.failed('writing audit events failed', databaseDown());
    now += 1000;
  }
  assert.equal(outage.down, true);
  outage.succeeded();
  outage.succeeded();
  assert.equal(outage.down, false);

  assert.deepEqual(
    lines.map((line) => line.msg),
    [
      'the store is unreachable: serving from memory; failures are summed up periodically until it answers',
      'the store is still unreachable',
      'the store is still unreachable',
      'the store is reachable again',
    ],
  );
  const [down, first, second, back] = lines as [
    Record<string, unknown>,
    Record<string, unknown>,
    Record<string, unknown>,
    Record<string, unknown>,
  ];
  assert.equal(down.level, 50);
  assert.equal(down.failed, 'applying the change log failed');
  assert.equal(down.error, 'The database operation failed.: connect ECONNREFUSED 127.0.0.1:5432');
  assert.equal(first.downForMs, 60_000);
  assert.deepEqual(first.failures, {
    'applying the change log failed': 61,
    'recording the node status failed': 60,
    'writing audit events failed': 60,
  });
  assert.equal(second.downForMs, 120_000);
  assert.deepEqual(second.failures, {
    'applying the change log failed': 60,
    'recording the node status failed': 60,
    'writing audit events failed': 60,
  });
  assert.equal(back.level, 30);
  assert.equal(back.downForMs, 180_000);
  assert.deepEqual(back.failures, {
    'applying the change log failed': 59,
    'recording the node status failed': 60,
    'writing audit events failed': 60,
  });
  for (const line of lines) assert.equal(JSON.stringify(line).includes('stack'), false, 'no stack trace');

  // The next outage is logged as new.
  outage.failed('recording the node status failed', databaseDown());
  assert.equal(lines.length, 5);
  assert.equal(lines[4]!.failed, 'recording the node status failed');
});

test('a failure that is not the database is unexpected: logged each time, with its stack, outage or not', () => {
  const { lines, log } = logged();
  const outage = new OutageLog({ log, now: () => 0 });
  outage.failed('applying the change log failed', new TypeError('a defect'));
  outage.failed('applying the change log failed', new StoreError('Store.SecretUndecryptable'));
  outage.failed('applying the change log failed', databaseDown());
  outage.failed('applying the change log failed', new TypeError('a defect'));
  assert.deepEqual(
    lines.map((line) => [line.level, line.msg]),
    [
      [50, 'applying the change log failed'],
      [50, 'applying the change log failed'],
      [
        50,
        'the store is unreachable: serving from memory; failures are summed up periodically until it answers',
      ],
      [50, 'applying the change log failed'],
    ],
  );
  assert.match(String((lines[0]!.err as { stack: string }).stack), /TypeError: a defect\n\s+at /);
  assert.equal(outage.down, true, 'an unexpected failure does not end an outage');
});
