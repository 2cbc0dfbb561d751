/**
 * Store → decision index: how long a node takes to load 1,000,000 AccessKeys, each with its own
 * 5-entry policy, from SQLite and from PostgreSQL, and how much memory the loaded
 * index holds. Seeding is not timed; the seeded SQLite file is kept in .tmp-bench/ and reused by
 * later runs (seeding takes minutes). PostgreSQL is DATABASE_URL's server or an embedded one.
 *
 *   npm run bench:store   (STORE_BENCH_KEYS=100000 or STORE_BENCH_DATABASES=sqlite for a shorter
 *                          run; docs are written only by a full run)
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DecisionIndex } from '../src/policy/decision-index.js';
import type { AccessKeyPolicy } from '../src/policy/policy-document.js';
import { serializePolicy } from '../src/policy/serialize-policy.js';
import {
  type AccountId,
  createMasterKeyFile,
  type KeyFenceStore,
  MasterKey,
  openStore,
  readMasterKeyFile,
  type StoreConfig,
} from '../src/store/index.js';
import { loadIndex } from '../src/sync/load-index.js';
import { startPostgres } from '../test/support/postgres-server.js';
import { writeDocsSection } from './docs-section.js';
import { describeMachine } from './machine.js';
import { settledMemory } from './measure.js';
import { formatIPv4, Rng } from './workload.js';

const KEYS = Number(process.env.STORE_BENCH_KEYS ?? 1_000_000);
const DATABASES = (process.env.STORE_BENCH_DATABASES ?? 'sqlite,postgres').split(',');
const FULL = KEYS === 1_000_000 && DATABASES.length === 2;
const KEYS_PER_ACCOUNT = 10_000;
const ENTRIES = 5;
const TARGET_SECONDS = 10;
const START =
  '<!-- store-load-bench:start (written by bench/store-load.bench.ts; edits here are overwritten) -->';
const END = '<!-- store-load-bench:end -->';
const CACHE = new URL('../.tmp-bench/', import.meta.url).pathname;

function randomPolicy(rng: Rng): AccessKeyPolicy {
  const IPList: string[] = [];
  for (let i = 0; i < ENTRIES; i++) {
    const prefix = 24 + rng.below(9);
    const mask = prefix === 32 ? 0xffffffff : ~(0xffffffff >>> prefix);
    IPList.push(`${formatIPv4((rng.u32() & mask) >>> 0)}/${prefix}`);
  }
  return { Version: 1, Status: 'Active', Statements: [{ Type: 'ClassicWhiteList', IPList }] };
}

async function seed(store: KeyFenceStore, label: string): Promise<void> {
  const rng = new Rng(42);
  const started = performance.now();
  for (let made = 0; made < KEYS; ) {
    const account = await store.write((tx) => tx.createAccount());
    const count = Math.min(KEYS_PER_ACCOUNT, KEYS - made);
    const requests = Array.from({ length: count }, () => ({ policy: serializePolicy(randomPolicy(rng)) }));
    await store.write((tx) =>
      tx.createAccessKeys(account.accountId as AccountId, requests, { actor: 'bench' }),
    );
    made += count;
    if (made % 100_000 === 0) {
      console.log(`  ${label}: seeded ${made} keys (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }
  }
}

interface LoadResult {
  readonly database: string;
  readonly keys: number;
  readonly seconds: number;
  readonly bytesPerKey: number;
  readonly version: number;
}

async function measureLoad(config: StoreConfig, database: string): Promise<LoadResult> {
  const store = await openStore(config);
  try {
    const before = await settledMemory();
    const index = new DecisionIndex();
    const started = performance.now();
    const version = await loadIndex(store, index);
    const seconds = (performance.now() - started) / 1000;
    const after = await settledMemory();
    if (index.keyCount !== KEYS)
      throw new Error(`${database}: loaded ${index.keyCount} keys, expected ${KEYS}`);
    return { database, keys: index.keyCount, seconds, bytesPerKey: (after - before) / KEYS, version };
  } finally {
    await store.close();
  }
}

async function sqlite(masterKey: MasterKey): Promise<LoadResult> {
  mkdirSync(CACHE, { recursive: true });
  const file = join(CACHE, `store-${KEYS}.db`);
  if (!existsSync(file)) {
    const partial = `${file}.partial`;
    rmSync(partial, { force: true });
    const store = await openStore({ dialect: 'sqlite', file: partial, masterKey });
    await seed(store, 'SQLite');
    await store.close();
    for (const suffix of ['-wal', '-shm']) rmSync(partial + suffix, { force: true });
    renameSync(partial, file);
  }
  // The cached file's secrets were sealed with the key stored beside it.
  return measureLoad({ dialect: 'sqlite', file, masterKey }, 'SQLite');
}

async function postgres(masterKey: MasterKey): Promise<LoadResult> {
  const server = await startPostgres();
  try {
    const connectionString = await server.createDatabase();
    const store = await openStore({ dialect: 'postgres', connectionString, masterKey });
    await seed(store, 'PostgreSQL');
    await store.close();
    return await measureLoad({ dialect: 'postgres', connectionString, masterKey }, 'PostgreSQL');
  } finally {
    await server.stop();
  }
}

/** The seeded SQLite file is only usable with the key its secrets were sealed with: keep both. */
async function cachedMasterKey(): Promise<MasterKey> {
  mkdirSync(CACHE, { recursive: true });
  const file = join(CACHE, 'master.key');
  if (!existsSync(file)) await createMasterKeyFile(file, MasterKey.generate());
  return readMasterKeyFile(file);
}

async function main(): Promise<void> {
  const machine = describeMachine();
  console.log(
    `KeyFence store-load benchmark: ${KEYS} keys × ${ENTRIES} entries; ${machine.cpu}, ${machine.cores} cores`,
  );
  const masterKey = await cachedMasterKey();
  const results: LoadResult[] = [];
  if (DATABASES.includes('sqlite')) results.push(await sqlite(masterKey));
  if (DATABASES.includes('postgres')) results.push(await postgres(masterKey));
  for (const r of results) {
    console.log(
      `  ${r.database}: ${r.seconds.toFixed(2)} s, ${r.bytesPerKey.toFixed(0)} bytes/key in memory`,
    );
  }
  const met = results.every((r) => r.seconds < TARGET_SECONDS);
  if (FULL) {
    const rows = results
      .map(
        (r) =>
          `| ${r.database} | ${r.keys.toLocaleString('en')} | ${r.seconds.toFixed(2)} s | ${r.bytesPerKey.toFixed(0)} B | ${r.seconds < TARGET_SECONDS ? 'met' : 'NOT met'} |`,
      )
      .join('\n');
    writeDocsSection(
      START,
      END,
      `## Loading the decision index from the store (\`npm run bench:store\`)

Last run: ${new Date().toISOString().slice(0, 19)}Z. ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB,
Node.js ${machine.node}; load average at start ${machine.loadAverage}.

\`\`\`sh
npm run bench:store
# = node --import tsx --expose-gc bench/store-load.bench.ts
\`\`\`

1,000,000 AccessKeys in 100 accounts, each key with its own Active ${ENTRIES}-entry IPv4 policy
(random /24–/32 blocks), read from one consistent snapshot (\`loadIndex\`: snapshot pages, policy
parsing, compilation into the index, compaction). Memory is the index's heap and typed arrays
after the load, divided by the number of keys. Target: under ${TARGET_SECONDS} s each.

| database | keys | load time | memory per key | target |
|---|---|---|---|---|
${rows}
`,
    );
  }
  console.log(
    JSON.stringify({
      keys: KEYS,
      ...Object.fromEntries(
        results.flatMap((r) => [
          [`${r.database.toLowerCase()}_load_s`, Number(r.seconds.toFixed(2))],
          [`${r.database.toLowerCase()}_bytes_per_key`, Math.round(r.bytesPerKey)],
        ]),
      ),
      targets_met: met,
    }),
  );
}

await main();
