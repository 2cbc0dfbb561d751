import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { pino } from 'pino';
import { DAY_MS, utcDayOf } from '../../src/common/utc-day.js';
import { serverConfig } from '../../src/config/server-config.js';
import { createServer } from '../../src/server/keyfence-server.js';
import type { KeyFenceStore, NewAuditEvent } from '../../src/store/index.js';
import {
  AuditRetention,
  type AuditRetentionOptions,
  type RetentionPass,
} from '../../src/sync/audit-retention.js';
import { storedEvent, storedEventIds } from '../store/support/audit-events.js';
import { useDialects } from '../store/support/dialects.js';
import { storeHarness } from '../store/support/store-harness.js';
import { testActions, testListener } from '../support/server-harness.js';
import { until } from '../support/until.js';

const TODAY = utcDayOf(new Date('2026-05-01T00:00:00Z'));
/** Noon of a day relative to TODAY. */
const noon = (day: number) => new Date((TODAY + day) * DAY_MS + DAY_MS / 2);

let serial = 0;

function eventOn(day: number, ms = DAY_MS / 2): NewAuditEvent {
  const eventId = `R-${String(++serial).padStart(8, '0')}`;
  return storedEvent(eventId, {
    at: new Date((TODAY + day) * DAY_MS + ms),
    accessKeyId: 'LTAI5tRetentionKey000001',
  });
}

const ids = (events: readonly NewAuditEvent[]) => events.map((event) => event.eventId).sort();

/** A retention with the passes and errors it reported. */
function retention(store: KeyFenceStore, options: Partial<AuditRetentionOptions> & { nodeId: string }) {
  const passes: RetentionPass[] = [];
  const errors: unknown[] = [];
  const job = new AuditRetention(store, {
    days: 3,
    checkMs: 60_000,
    batchRows: 1000,
    now: () => noon(0),
    onPass: (pass) => passes.push(pass),
    onError: (error) => errors.push(error),
    ...options,
  });
  return { job, passes, errors };
}

/** The store with `deleteRetainedBatch` calls on audit_events and `takeDailyLease` calls seen (and optionally changed). */
function watched(
  store: KeyFenceStore,
  hooks: { readonly onBatch?: (count: number, call: number) => void } = {},
) {
  const batches: number[] = [];
  let leases = 0;
  const proxy = new Proxy(store, {
    get(target, property) {
      if (property === 'deleteRetainedBatch') {
        return async (...args: Parameters<KeyFenceStore['deleteRetainedBatch']>) => {
          const count = await target.deleteRetainedBatch(...args);
          if (args[0] !== 'audit_events') return count;
          batches.push(count);
          hooks.onBatch?.(count, batches.length);
          return count;
        };
      }
      if (property === 'takeDailyLease') {
        return (...args: Parameters<KeyFenceStore['takeDailyLease']>) => {
          leases++;
          return target.takeDailyLease(...args);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: proxy, batches, leases: () => leases };
}

for (const fixture of useDialects()) {
  describe(`audit retention on ${fixture.name}`, () => {
    const harness = storeHarness(fixture);

    test("two nodes checking at once: one runs the day's pass, neither runs it again that day, and the next day's runs", async () => {
      const { store, config } = await harness.fresh();
      const other = await harness.open(config);
      const old = [eventOn(-5), eventOn(-4, 0), eventOn(-4, DAY_MS - 1)];
      const edge = [eventOn(-3, 0), eventOn(-3, DAY_MS - 1)];
      const young = [eventOn(-1), eventOn(0)];
      await store.appendAuditEvents([...old, ...edge, ...young]);
      let now = noon(0);
      const a = retention(store, { nodeId: 'node-a', now: () => now });
      const b = retention(other, { nodeId: 'node-b', now: () => now });

      await Promise.all([a.job.run(), b.job.run()]);
      const first = [...a.passes, ...b.passes];
      assert.equal(first.length, 1, 'one pass between the two nodes');
      assert.equal(first[0]!.outcome, 'finished');
      // One rollup row a UTC day: these events share their key and source.
      assert.deepEqual(first[0]!.deleted, { audit_events: old.length, key_source_rollups: 2 });
      assert.deepEqual(first[0]!.day, new Date(TODAY * DAY_MS));
      assert.deepEqual(
        first[0]!.before,
        new Date((TODAY - 3) * DAY_MS),
        'midnight UTC three days before today',
      );
      assert.deepEqual(await storedEventIds(config), ids([...edge, ...young]));

      await store.appendAuditEvents([eventOn(-6)]);
      now = new Date(now.getTime() + 6 * 3_600_000);
      await Promise.all([a.job.run(), b.job.run()]);
      assert.equal(a.passes.length + b.passes.length, 1, 'later checks the same day find it done');

      now = noon(1);
      await Promise.all([a.job.run(), b.job.run()]);
      const second = [...a.passes, ...b.passes].slice(1);
      assert.equal(second.length, 1, "the next day's pass, by one node");
      assert.deepEqual(second[0]!.deleted, { audit_events: 1 + edge.length, key_source_rollups: 2 });
      assert.deepEqual(await storedEventIds(config), ids(young));
      assert.deepEqual([...a.errors, ...b.errors], []);
      assert.equal(a.job.deleted.audit_events + b.job.deleted.audit_events, old.length + 1 + edge.length);
    });

    test('deletes batchRows rows per statement, renewing its lease between batches', async () => {
      const { store, config } = await harness.fresh();
      await store.appendAuditEvents([1, 2, 3, 4, 5].map(() => eventOn(-10)));
      await store.appendAuditEvents([eventOn(0)]);
      const seen = watched(store);
      const { job, passes } = retention(seen.store, { nodeId: 'node-a', batchRows: 2 });
      await job.run();
      assert.deepEqual(seen.batches, [2, 2, 1]);
      assert.equal(seen.leases(), 3, 'taken, then renewed after each full batch');
      assert.deepEqual(passes[0]!.deleted, { audit_events: 5, key_source_rollups: 1 });
      assert.equal((await storedEventIds(config)).length, 1);
    });

    test('a node that stops mid-pass gives the rest back to the others the same day', async () => {
      const { store, config } = await harness.fresh();
      const other = await harness.open(config);
      await store.appendAuditEvents([1, 2, 3, 4, 5].map(() => eventOn(-10)));
      let stopping: Promise<void> | undefined;
      const a = retention(
        watched(store, {
          onBatch: () => {
            stopping ??= a.job.stop();
          },
        }).store,
        { nodeId: 'node-a', batchRows: 2 },
      );
      await a.job.run();
      await stopping;
      assert.deepEqual(
        a.passes.map((pass) => [pass.outcome, pass.deleted.audit_events]),
        [['stopped', 2]],
      );
      await a.job.run();
      assert.equal(a.passes.length, 1, 'a stopped retention runs no more passes');

      const b = retention(other, { nodeId: 'node-b', batchRows: 2 });
      await b.job.run();
      assert.deepEqual(
        b.passes.map((pass) => [pass.outcome, pass.deleted.audit_events]),
        [['finished', 3]],
      );
      assert.deepEqual(await storedEventIds(config), []);
    });

    test('a pass that fails gives the lease back unfinished: the next check, of any node, runs it', async () => {
      const { store, config } = await harness.fresh();
      const other = await harness.open(config);
      await store.appendAuditEvents([eventOn(-10)]);
      const failing = new Proxy(store, {
        get(target, property) {
          if (property === 'deleteRetainedBatch') return () => Promise.reject(new Error('disk full'));
          const value = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const a = retention(failing, { nodeId: 'node-a' });
      await assert.rejects(a.job.run(), /disk full/);
      assert.deepEqual(a.passes, []);
      const b = retention(other, { nodeId: 'node-b' });
      await b.job.run();
      assert.deepEqual(b.passes[0]?.deleted, { audit_events: 1, key_source_rollups: 1 });
      assert.deepEqual(await storedEventIds(config), []);
    });

    test('refuses settings that would never run or never stop', async () => {
      const { store } = await harness.fresh();
      for (const settings of [
        { days: 0 },
        { days: 1.5 },
        { checkMs: 0 },
        { checkMs: 2 ** 31 },
        { batchRows: 0 },
        { batchRows: Number.NaN },
      ]) {
        assert.throws(() => retention(store, { nodeId: 'node-a', ...settings }), RangeError);
      }
    });

    test('a node runs it on start and at every check: one log line per pass, and a metric', async () => {
      const { store, config } = await harness.fresh();
      const kept = [eventOn(-90, 0), eventOn(0)];
      await store.appendAuditEvents([eventOn(-100), eventOn(-91, DAY_MS - 1), ...kept]);
      const lines: Record<string, unknown>[] = [];
      const logger = pino(
        { level: 'info' },
        new Writable({
          write(chunk, _encoding, done) {
            lines.push(JSON.parse(String(chunk)));
            done();
          },
        }),
      );
      let now = noon(0);
      const server = createServer({
        config: serverConfig({ nodeId: 'node-r', retention: { checkMs: 20, batchRows: 1 } }),
        store,
        actions: testActions,
        logger,
        now: () => now,
      });
      try {
        const [url] = await server.start([testListener()]);
        const passes = () => lines.filter((line) => line.msg === 'retention pass');
        await until(() => passes().length === 1, 'the pass on start');
        assert.deepEqual(
          await storedEventIds(config),
          ids(kept),
          'the 90 days before today and today are kept',
        );
        assert.equal(passes()[0]!.outcome, 'finished');
        assert.deepEqual(passes()[0]!.deleted, { audit_events: 2, key_source_rollups: 2 });

        await store.appendAuditEvents([eventOn(-95)]);
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(passes().length, 1, 'checks later the same day find the pass done');
        now = noon(1);
        await until(() => passes().length === 2, "the next day's pass, at a check");
        assert.deepEqual(await storedEventIds(config), ids(kept.slice(1)));

        const metrics = await (await fetch(`${url}/metrics`)).text();
        assert.match(metrics, /^keyfence_retention_deleted_rows_total\{table="audit_events"\} 4$/m);
      } finally {
        await server.close();
      }
    });
  });
}
