/**
 * Seeds a store's database with `events` audit events over the 90 UTC days ending now (the first
 * day whole, today up to now), the events of each day in time order, and their key-source rollup
 * rows summed beside them by the writer's own code (KeySourceRollupBatch), one day at a time.
 * Then checks, for a few keys, that the rollup rows equal those the store's rollup logic derives
 * from the keys' raw events as stored (their documents parsed, as the migration's backfill does):
 * the seed is what the writer would have written.
 */
import assert from 'node:assert/strict';
import { DAY_MS } from '../../src/common/utc-day.js';
import {
  KeySourceRollupBatch,
  keySourceRollupRows,
} from '../../src/store/rollups/key-source-rollup-batch.js';
import type { KeySourceRollupTable } from '../../src/store/schema/database.js';
import type { Population } from './population.js';
import type { SeedDatabase } from './seed-database.js';
import { eventsBetween, type TrafficKey } from './seeded-events.js';
import type { AccountProfile, KeyProfile } from './traffic.js';
import { keyWeights, pick, seededRandom } from './traffic.js';

export const SEEDED_DAYS = 90;
/** Events built and inserted at a time. */
const CHUNK = 20_000;

export interface SeedReport {
  readonly events: number;
  readonly rollupRows: number;
  readonly seconds: number;
  /** Of `seconds`: building the events (the writer's steps) and summing their rollups. */
  readonly buildSeconds: number;
  /** CPU time of this process (all its threads) while seeding: the wall time on an idle machine, for SQLite. */
  readonly cpuSeconds: number;
}

/** A seed's report, and the traffic keys from the busiest to the quietest. */
export interface Seeded {
  readonly report: SeedReport;
  readonly byEvents: readonly TrafficKey[];
}

/** Every traffic key of the population, with its profile and the scope of the policy deciding it. */
export function trafficKeys(
  population: Population,
  plan: readonly { account: AccountProfile; keys: KeyProfile[] }[],
): TrafficKey[] {
  return population.accounts.flatMap((account, a) =>
    account.keys.map((key, k) => ({
      key,
      profile: plan[a]!.keys[k]!,
      policyScope: key.hasKeyPolicy ? 'accessKey' : account.hasAccountPolicy ? 'account' : 'none',
    })),
  );
}

export async function seed(
  db: SeedDatabase,
  keys: readonly TrafficKey[],
  total: number,
  seedValue: number,
  now: number,
  progress: (line: string) => void,
): Promise<Seeded> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const random = seededRandom(seedValue ^ 0xe4e7);
  const weights = keyWeights(
    random,
    keys.map((k) => k.profile),
  );
  const eventsOf = new Uint32Array(keys.length);
  const pickKey = (u: number) => {
    const index = pick(weights, u);
    eventsOf[index]!++;
    return index;
  };
  const firstDay = Math.floor(now / DAY_MS) - (SEEDED_DAYS - 1);
  const start = firstDay * DAY_MS;
  await db.deferIndexes();
  let written = 0;
  let rollupRows = 0;
  let building = 0;
  // One insert in flight while the next events are built: PostgreSQL works beside this process.
  let inserting: Promise<void> = Promise.resolve();
  for (let day = 0; day < SEEDED_DAYS; day++) {
    const dayStart = start + day * DAY_MS;
    const dayEnd = Math.min(dayStart + DAY_MS, now);
    const dayTotal =
      day === SEEDED_DAYS - 1 ? total - written : Math.round((total * (dayEnd - dayStart)) / (now - start));
    const batch = new KeySourceRollupBatch();
    const slices = Math.max(1, Math.ceil(dayTotal / CHUNK));
    let dayWritten = 0;
    for (let slice = 0; slice < slices; slice++) {
      const from = dayStart + Math.floor(((dayEnd - dayStart) * slice) / slices);
      const to = dayStart + Math.floor(((dayEnd - dayStart) * (slice + 1)) / slices);
      const count = slice === slices - 1 ? dayTotal - dayWritten : Math.round(dayTotal / slices);
      const built = performance.now();
      const events = eventsBetween(random, keys, pickKey, from, to, count);
      for (const event of events) batch.add(event);
      building += performance.now() - built;
      await inserting;
      inserting = db.insertEvents(events);
      dayWritten += count;
    }
    const rows = batch.rows();
    await inserting;
    inserting = db.insertRollups(rows);
    written += dayWritten;
    rollupRows += rows.length;
    if (day % 10 === 9 || day === SEEDED_DAYS - 1) {
      const seconds = (performance.now() - started) / 1000;
      progress(
        `  day ${day + 1}/${SEEDED_DAYS}: ${written} events, ${rollupRows} rollup rows, ${seconds.toFixed(0)} s (${(building / 1000).toFixed(0)} s building; CPU ${cpuSecondsSince(cpu).toFixed(0)} s)`,
      );
    }
  }
  await inserting;
  const indexed = performance.now();
  await db.restoreIndexes();
  progress(`  indexes built again in ${((performance.now() - indexed) / 1000).toFixed(0)} s`);
  const report = {
    events: written,
    rollupRows,
    seconds: (performance.now() - started) / 1000,
    buildSeconds: building / 1000,
    cpuSeconds: cpuSecondsSince(cpu),
  };
  const order = [...keys.keys()].sort((a, b) => eventsOf[b]! - eventsOf[a]!);
  return { report, byEvents: order.map((index) => keys[index]!) };
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1e6;
}

const byKey = (a: KeySourceRollupTable, b: KeySourceRollupTable) => {
  const ka = `${a.day}\n${a.source_ip}\n${a.vpc_id}`;
  const kb = `${b.day}\n${b.source_ip}\n${b.vpc_id}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

/**
 * Asserts that `keys`' rollup rows are what the store's rollup logic makes of their stored
 * events; returns how many events and rows were compared.
 */
export async function checkRollups(
  db: SeedDatabase,
  keys: readonly TrafficKey[],
): Promise<{ events: number; rows: number }> {
  let events = 0;
  let rows = 0;
  for (const { key } of keys) {
    const stored = await db.keyEvents(key.principal.accountId, key.accessKeyId);
    const expected = keySourceRollupRows(stored).sort(byKey);
    const actual = (await db.keyRollups(key.principal.accountId, key.accessKeyId)).sort(byKey);
    assert.deepEqual(actual, expected, `the seeded rollups of ${key.accessKeyId} differ from its events'`);
    events += stored.length;
    rows += actual.length;
  }
  return { events, rows };
}
