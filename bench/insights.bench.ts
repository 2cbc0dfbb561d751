/**
 * Insights at scale, on SQLite and PostgreSQL: seeds 10 million audit events over 10,000
 * permanent keys in 100 accounts across 90 days ending now (bench/insights/: the traffic model,
 * the accounts and policies made through the store's API, the events built by the audit writer's
 * own steps and bulk-inserted with their key-source rollups), checks a few keys' rollups against
 * their raw events, then runs the measurements of bench/insights/measurements.ts through a server
 * in this process answering signed calls.
 *
 *   npm run bench:insights
 *     INSIGHTS_BENCH_EVENTS=200000         a smaller seed (then docs/benchmarks.md is not written)
 *     INSIGHTS_BENCH_DATABASES=sqlite      sqlite | postgres | both (default)
 *     INSIGHTS_BENCH_KEEP=dir              keep the seeded SQLite file (and, with DATABASE_URL, the
 *                                          PostgreSQL database's name) in dir and reuse it next time
 *
 * PostgreSQL is the server at DATABASE_URL, or an embedded one (durability off) started here.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreAuditSink } from '../src/audit/store-audit-sink.js';
import { serverConfig } from '../src/config/server-config.js';
import { ALL_ACTIONS } from '../src/server/actions/index.js';
import { createServer } from '../src/server/keyfence-server.js';
import { MasterKey, openStore, type StoreConfig } from '../src/store/index.js';
import { startPostgres } from '../test/support/postgres-server.js';
import { testListener } from '../test/support/server-harness.js';
import { publishResult, sectionHead } from './docs-section.js';
import { type InsightsRun, MEASUREMENTS, type Measured } from './insights/measurements.js';
import { type Population, populate, profiles } from './insights/population.js';
import { checkRollups, type SeedReport, seed, trafficKeys } from './insights/seed.js';
import { postgresSeedDatabase, type SeedDatabase, sqliteSeedDatabase } from './insights/seed-database.js';
import { seededRandom } from './insights/traffic.js';
import { describeMachine } from './machine.js';

const DEFAULT_EVENTS = 10_000_000;
const EVENTS = Number(process.env.INSIGHTS_BENCH_EVENTS ?? DEFAULT_EVENTS);
const CHOICE = process.env.INSIGHTS_BENCH_DATABASES ?? 'both';
const DIALECTS = (CHOICE === 'both' ? ['sqlite', 'postgres'] : [CHOICE]) as Dialect[];
const KEEP = process.env.INSIGHTS_BENCH_KEEP;
const FULL = EVENTS === DEFAULT_EVENTS && DIALECTS.length === 2;
const ACCOUNTS = 100;
const SEED = 16;
const START =
  '<!-- insights-bench:start (written by bench/insights.bench.ts; edits here are overwritten) -->';
const END = '<!-- insights-bench:end -->';

type Dialect = 'sqlite' | 'postgres';

/** What a kept database needs to be used again. */
interface Manifest {
  readonly events: number;
  readonly masterKey: string;
  readonly population: Population;
  readonly seeding: SeedReport;
  readonly connectionString?: string;
}

interface DialectResult {
  readonly seeding: SeedReport & { readonly reused: boolean };
  readonly checked: { events: number; rows: number } | null;
  readonly measured: Map<string, Measured>;
}

const log = (line: string) => console.error(line);

for (const dialect of DIALECTS) {
  if (dialect !== 'sqlite' && dialect !== 'postgres') throw new Error(`INSIGHTS_BENCH_DATABASES: ${CHOICE}`);
}
if (!Number.isSafeInteger(EVENTS) || EVENTS <= 0) throw new Error('INSIGHTS_BENCH_EVENTS: a positive number');

async function onDialect(dialect: Dialect): Promise<DialectResult> {
  const dir =
    KEEP === undefined ? mkdtempSync(join(tmpdir(), 'keyfence-insights-bench-')) : join(KEEP, dialect);
  mkdirSync(dir, { recursive: true });
  const manifestFile = join(dir, 'manifest.json');
  const kept = existsSync(manifestFile)
    ? (JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest)
    : undefined;
  if (kept !== undefined && kept.events !== EVENTS) {
    throw new Error(
      `${dir} holds ${kept.events} events, not ${EVENTS}: remove it or change INSIGHTS_BENCH_EVENTS`,
    );
  }
  const postgres =
    dialect === 'postgres' && kept?.connectionString === undefined ? await startPostgres() : undefined;
  try {
    const connectionString = kept?.connectionString ?? (await postgres?.createDatabase());
    const config: StoreConfig =
      dialect === 'sqlite'
        ? { dialect, file: join(dir, 'keyfence.db') }
        : { dialect, connectionString: connectionString! };
    const openSeedDatabase = (seeding: boolean): Promise<SeedDatabase> | SeedDatabase =>
      dialect === 'sqlite'
        ? sqliteSeedDatabase(join(dir, 'keyfence.db'), seeding)
        : postgresSeedDatabase(connectionString!);
    const plan = profiles(SEED, ACCOUNTS);
    const masterKey = kept === undefined ? MasterKey.generate() : MasterKey.parse(kept.masterKey);
    let population = kept?.population;
    let seeding = kept?.seeding;
    let checked: DialectResult['checked'] = null;
    if (population === undefined || seeding === undefined) {
      log(`${dialect}: accounts, users, keys and policies through the store`);
      const store = await openStore({ ...config, masterKey });
      try {
        population = await populate(store, plan, SEED);
      } finally {
        await store.close();
      }
      log(`${dialect}: seeding ${EVENTS} events`);
      const db = await openSeedDatabase(true);
      const keys = trafficKeys(population, plan);
      try {
        const seeded = await seed(db, keys, EVENTS, SEED, Date.now(), log);
        seeding = seeded.report;
        // The busiest key, keys of the busy, middle and quiet ranks, and a random one.
        const random = seededRandom(SEED ^ 0xc0de);
        const sample = [0, 10, 100, 1000, Math.floor(random() * keys.length)].map(
          (rank) => seeded.byEvents[rank]!,
        );
        checked = await checkRollups(db, sample);
        log(
          `${dialect}: rollups of ${sample.length} keys equal their ${checked.events} events' (${checked.rows} rows)`,
        );
      } finally {
        await db.close();
      }
      if (KEEP !== undefined && (dialect === 'sqlite' || process.env.DATABASE_URL !== undefined)) {
        const manifest: Manifest = {
          events: EVENTS,
          masterKey: masterKey.encode(),
          population,
          seeding,
          ...(dialect === 'postgres' ? { connectionString } : {}),
        };
        writeFileSync(manifestFile, JSON.stringify(manifest));
      }
    }
    const measured = await measure(
      dialect,
      config,
      masterKey,
      population,
      trafficKeys(population, plan),
      openSeedDatabase,
    );
    return { seeding: { ...seeding, reused: kept !== undefined }, checked, measured };
  } finally {
    if (postgres !== undefined && (KEEP === undefined || process.env.DATABASE_URL === undefined))
      await postgres.stop();
    if (KEEP === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(
  dialect: Dialect,
  config: StoreConfig,
  masterKey: MasterKey,
  population: Population,
  keys: InsightsRun['keys'],
  openSeedDatabase: (seeding: boolean) => Promise<SeedDatabase> | SeedDatabase,
): Promise<Map<string, Measured>> {
  const store = await openStore({ ...config, masterKey });
  const sink = new StoreAuditSink(store);
  const server = createServer({ store, actions: ALL_ACTIONS, config: serverConfig(), auditSink: sink });
  const db = await openSeedDatabase(false);
  const measured = new Map<string, Measured>();
  try {
    const [url] = await server.start([testListener()]);
    const run: InsightsRun = {
      dialect,
      store,
      port: Number(new URL(url!).port),
      population,
      keys,
      db,
      random: seededRandom(SEED ^ 0xbe7c),
    };
    for (const measurement of MEASUREMENTS) {
      log(`${dialect}: ${measurement.name}`);
      measured.set(measurement.name, await measurement.run(run));
    }
  } finally {
    await server.close();
    await sink.close();
    await db.close();
    await store.close();
  }
  return measured;
}

const started = new Date();
const machine = describeMachine();
const results = new Map<Dialect, DialectResult>();
for (const dialect of DIALECTS) results.set(dialect, await onDialect(dialect));

const verdict = (name: string, dialect: Dialect): boolean | undefined => {
  const target = MEASUREMENTS.find((m) => m.name === name)?.target;
  const value = results.get(dialect)?.measured.get(name)?.value;
  return target === undefined || value === undefined ? undefined : value <= target.max;
};
const cell = (dialect: Dialect, name: string) => {
  const measured = results.get(dialect)?.measured.get(name);
  if (measured === undefined) return '–';
  const pass = verdict(name, dialect);
  return pass === undefined ? measured.text : `**${pass ? 'PASS' : 'FAIL'}** ${measured.text}`;
};
const seedingCell = (dialect: Dialect) => {
  const result = results.get(dialect);
  if (result === undefined) return '–';
  const { seeding } = result;
  const rate = Math.round(seeding.events / seeding.seconds);
  return `${seeding.seconds.toFixed(0)} s, CPU ${seeding.cpuSeconds.toFixed(0)} s here (${rate} events/s; ${seeding.rollupRows} rollup rows)${seeding.reused ? ', reused' : ''}`;
};
const table = [
  '| measurement | target | SQLite | PostgreSQL |',
  '|---|---|---|---|',
  `| seeding ${EVENTS.toLocaleString('en-US')} events (reported, no target) | – | ${seedingCell('sqlite')} | ${seedingCell('postgres')} |`,
  ...MEASUREMENTS.map(
    (m) =>
      `| ${m.name} | ${m.target?.text ?? '–'} | ${cell('sqlite', m.name)} | ${cell('postgres', m.name)} |`,
  ),
];
console.log(table.join('\n'));
const verdicts = MEASUREMENTS.flatMap((m) => DIALECTS.map((d) => verdict(m.name, d))).filter(
  (v) => v !== undefined,
);
publishResult({
  start: START,
  end: END,
  full: FULL,
  settings: 'event count and databases',
  summary: {
    events: EVENTS,
    ...Object.fromEntries(
      [...results].map(([dialect, result]) => [
        dialect,
        {
          seedingSeconds: Math.round(result.seeding.seconds),
          ...Object.fromEntries(
            [...result.measured].map(([name, m]) => [
              name.replace(/[^a-zA-Z]+/g, '_'),
              Math.round(m.value * 10) / 10,
            ]),
          ),
        },
      ]),
    ),
    targets_met: verdicts.every(Boolean),
  },
  markdown: () =>
    [
      ...sectionHead({
        title: 'Insights at 10 million events',
        script: 'bench:insights',
        runs: 'node --import tsx --expose-gc bench/insights.bench.ts',
        machine,
        started,
        setting:
          process.env.DATABASE_URL === undefined
            ? ' PostgreSQL is the embedded test server (durability off) on the same machine.'
            : ' PostgreSQL is the server at DATABASE_URL.',
      }),
      `${EVENTS.toLocaleString('en-US')} audit events over ${ACCOUNTS * 100} permanent keys in ${ACCOUNTS} accounts across the 90 UTC days ending at the run, seeded`,
      '(bench/insights/traffic.ts): 1–5 sources a key (1% of keys noisy, 100–500), Pareto calls per key, about 20% of',
      'sources in a VPC, 1–5 services a key, 2% ACL denials, 3% of allowed events coalesced (`keyfence.count` 2–60).',
      'Accounts, users, keys and policies are made through the store; events are built by the audit writer’s own',
      'steps and bulk-inserted with their rollups, which are checked for a few keys against their raw events.',
      'Calls are signed and go through a server in the same process. Medians, with p95.',
      '',
      ...table,
    ].join('\n'),
});
