import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DAY_MS, utcDayOf } from '../../src/common/utc-day.js';
import type { DailyLease, KeyFenceStore, NewAuditEvent } from '../../src/store/index.js';
import { storedEvent, storedEventIds } from './support/audit-events.js';
import { useDialects } from './support/dialects.js';
import { storeHarness } from './support/store-harness.js';

const TODAY = utcDayOf(new Date('2026-05-01T00:00:00Z'));

let serial = 0;

function eventAt(at: number): NewAuditEvent {
  const eventId = `E-${String(++serial).padStart(8, '0')}`;
  return storedEvent(eventId, { at: new Date(at), accessKeyId: 'LTAI5tRetentionKey000001' });
}

/** Deletes batch after batch until one comes back short, as a retention pass does; the counts. */
async function purge(store: KeyFenceStore, beforeDay: number, limit: number): Promise<number[]> {
  const counts: number[] = [];
  for (;;) {
    const count = await store.deleteRetainedBatch('audit_events', beforeDay, limit);
    counts.push(count);
    if (count < limit) return counts;
  }
}

/** A time on one of the days around TODAY, midnight and the last millisecond of a day likely. */
const eventTime = fc
  .tuple(
    fc.integer({ min: -12, max: 1 }),
    fc.oneof(fc.constantFrom(0, 1, DAY_MS - 1), fc.integer({ min: 0, max: DAY_MS - 1 })),
  )
  .map(([day, ms]) => (TODAY + day) * DAY_MS + ms);

for (const fixture of useDialects()) {
  describe(`retention in the store on ${fixture.name}`, () => {
    const harness = storeHarness(fixture);

    test('deletes exactly the rows dated before the cut-off day, in batches of at most the limit', async () => {
      const { store, config } = await harness.fresh();
      // Every row still stored, across runs: each run's purge sees the earlier runs' survivors too.
      const model = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(
          fc.array(eventTime, { maxLength: 40 }),
          fc.integer({ min: -13, max: 2 }),
          fc.integer({ min: 1, max: 7 }),
          async (times, cutOff, limit) => {
            const events = times.map(eventAt);
            await store.appendAuditEvents(events);
            for (const event of events) model.set(event.eventId, event.at.getTime());
            const beforeDay = TODAY + cutOff;
            const due = [...model].filter(([, at]) => at < beforeDay * DAY_MS).map(([id]) => id);
            const counts = await purge(store, beforeDay, limit);
            for (const id of due) model.delete(id);

            assert.ok(
              counts.every((count) => count <= limit),
              `no batch over ${limit}: ${counts}`,
            );
            assert.equal(
              counts.reduce((sum, count) => sum + count, 0),
              due.length,
            );
            assert.equal(counts.length, Math.floor(due.length / limit) + 1);
            assert.deepEqual(await storedEventIds(config), [...model.keys()].sort());
          },
        ),
        { numRuns: fixture.name === 'postgres' ? 20 : 40 },
      );
    });

    test('a batch takes the oldest rows first', async () => {
      const { store, config } = await harness.fresh();
      const base = (TODAY - 5) * DAY_MS;
      const events = [4, 0, 3, 1, 2].map((hour) => eventAt(base + hour * 3_600_000));
      await store.appendAuditEvents(events);
      assert.equal(await store.deleteRetainedBatch('audit_events', TODAY, 2), 2);
      assert.deepEqual(
        await storedEventIds(config),
        [events[0]!, events[2]!, events[4]!].map((event) => event.eventId),
      );
    });

    test('refuses a limit or a day that is not a whole number, deleting nothing', async () => {
      const { store, config } = await harness.fresh();
      await store.appendAuditEvents([eventAt((TODAY - 9) * DAY_MS)]);
      for (const [beforeDay, limit] of [
        [TODAY, 0],
        [TODAY, -1],
        [TODAY, 1.5],
        [Number.NaN, 10],
        [TODAY + 0.5, 10],
      ] as const) {
        await assert.rejects(store.deleteRetainedBatch('audit_events', beforeDay, limit), RangeError);
      }
      assert.equal((await storedEventIds(config)).length, 1);
    });

    if (fixture.name === 'sqlite') {
      test('deletes off the thread that serves requests: timers keep firing during a long batch', async () => {
        const { store } = await harness.fresh();
        const base = (TODAY - 30) * DAY_MS;
        const events = Array.from({ length: 20_000 }, (_, i) => eventAt(base + i));
        for (let i = 0; i < events.length; i += 2_000)
          await store.appendAuditEvents(events.slice(i, i + 2_000));
        // One statement deleting every row: on this thread it would hold it for the whole batch.
        let last = performance.now();
        let longestGap = 0;
        const ticks = setInterval(() => {
          const at = performance.now();
          longestGap = Math.max(longestGap, at - last);
          last = at;
        }, 1);
        const started = performance.now();
        const deleted = await store.deleteRetainedBatch('audit_events', TODAY, events.length);
        const took = performance.now() - started;
        clearInterval(ticks);
        longestGap = Math.max(longestGap, performance.now() - last);
        assert.equal(deleted, events.length);
        assert.ok(
          longestGap < took / 2,
          `a gap of ${longestGap.toFixed(1)} ms during a ${took.toFixed(1)} ms batch`,
        );
      });
    }
  });

  describe(`the daily lease on ${fixture.name}`, () => {
    const harness = storeHarness(fixture);
    const lease = (holder: string, day = TODAY, forMs = 60_000): DailyLease => ({
      task: 'retention',
      holder,
      day,
      forMs,
    });

    test('one holder at a time; renewed by its holder; a finished day is not run again', async () => {
      const { store, config } = await harness.fresh();
      const other = await harness.open(config);
      assert.equal(await store.takeDailyLease(lease('node-a')), true);
      assert.equal(await other.takeDailyLease(lease('node-b')), false, 'held by node-a');
      assert.equal(await store.takeDailyLease(lease('node-a')), true, 'renewed');
      assert.equal(await other.releaseDailyLease(lease('node-b'), true), false, 'node-b never held it');
      assert.equal(await store.releaseDailyLease(lease('node-a'), true), true);
      assert.equal(await other.takeDailyLease(lease('node-b')), false, "today's run is done");
      assert.equal(await store.takeDailyLease(lease('node-a')), false, 'for its own node too');
      assert.equal(await other.takeDailyLease(lease('node-b', TODAY - 1)), false, 'and for earlier days');
      assert.equal(await other.takeDailyLease(lease('node-b', TODAY + 1)), true, 'tomorrow is due');
    });

    test('a run given back unfinished is anyone’s again the same day', async () => {
      const { store, config } = await harness.fresh();
      const other = await harness.open(config);
      assert.equal(await store.takeDailyLease(lease('node-a')), true);
      assert.equal(await store.releaseDailyLease(lease('node-a'), false), true);
      assert.equal(await other.takeDailyLease(lease('node-b')), true);
    });

    test('an expired lease (by the database clock) goes to the next node that asks', async () => {
      const { store, config } = await harness.fresh();
      const other = await harness.open(config);
      assert.equal(await store.takeDailyLease(lease('node-a', TODAY, 1)), true);
      await new Promise((resolve) => setTimeout(resolve, 30));
      assert.equal(await other.takeDailyLease(lease('node-b')), true);
      assert.equal(await store.takeDailyLease(lease('node-a')), false, 'node-a lost it');
      assert.equal(await store.releaseDailyLease(lease('node-a'), true), false);
      assert.equal(await other.releaseDailyLease(lease('node-b'), true), true);
    });

    test('of several nodes asking at once, exactly one gets it', async () => {
      const { store, config } = await harness.fresh();
      const stores = [store, ...(await Promise.all([1, 2, 3, 4].map(() => harness.open(config))))];
      for (const day of [TODAY, TODAY + 1, TODAY + 2]) {
        const taken = await Promise.all(stores.map((s, i) => s.takeDailyLease(lease(`node-${i}`, day))));
        assert.equal(taken.filter(Boolean).length, 1, `one holder on day ${day}: ${taken}`);
        const holder = taken.indexOf(true);
        assert.equal(await stores[holder]!.releaseDailyLease(lease(`node-${holder}`, day), true), true);
      }
    });

    test('refuses a lease that would not run', async () => {
      const { store } = await harness.fresh();
      for (const forMs of [0, -1, 0.5, Number.NaN]) {
        await assert.rejects(store.takeDailyLease(lease('node-a', TODAY, forMs)), RangeError);
      }
      assert.equal(await store.takeDailyLease(lease('node-a')), true, 'nothing was taken');
    });
  });
}
