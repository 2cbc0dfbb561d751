/**
 * The audit path per event, stage by stage, on SQLite and PostgreSQL: what each forward-auth or
 * RPC request costs the process after its response is written. A batch of 500 records like the
 * forward-auth benchmark's (root key named by its AccessKeyId, allowed under an account policy)
 * goes through
 *   0. `StoreAuditSink.record` itself, on the request path, in ns: for an allowed check identical to
 *      one queued in the same second (folded into its event: `keyfence.count`), and for a denied
 *      check (never folded: queued as it is);
 *   1. the request record (`recordOf`, on the request path);
 *   2. its event ID, the event (`buildAuditEvent`, masking) and the stored form (`toStoredEvent`:
 *      the JSON document and the columns), in the writer's batch step;
 *   3. the batch's principal lookup (500 RAM-user keys: the root identity needs none);
 *   4. `store.appendAuditEvents` of the 500 events: wall time, and CPU time on the main thread
 *      (where requests are served) and on the process's other threads;
 *      4b. the same by an STS key, which the key-source rollups leave out: 4 minus 4b is what
 *          keeping the rollups adds (one source and day per batch: one upsert a batch);
 *      4c. as 4, each event from its own source: one upsert per event, the rollups' worst case;
 *   5. the whole sink (`StoreAuditSink.record` × 10,000, then `flush`) with `coalesce: false`: every
 *      record its own event;
 *   6. the same with coalescing (the default): the 10,000 identical checks arrive 1 ms apart, so
 *      about a thousand fold into each event; per record.
 * Each stage is the median over rounds, per event (per record in 0 and 6). CPU per thread comes
 * from /proc (Linux).
 *
 *   npm run bench:audit      (AUDIT_BENCH_DATABASES=sqlite to skip PostgreSQL, AUDIT_BENCH_ROUNDS=5
 *                             for a quick run; either way docs/benchmarks.md is then not written)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAuditEvent } from '../src/audit/audit-event.js';
import type { AuditStore } from '../src/audit/audit-writer.js';
import { newEventId } from '../src/audit/event-id.js';
import { StoreAuditSink } from '../src/audit/store-audit-sink.js';
import { toStoredEvent } from '../src/audit/stored-event.js';
import type { Caller } from '../src/request/caller.js';
import type { RequestRecord } from '../src/request/request-record.js';
import { type Passage, recordOf } from '../src/server/access/passage.js';
import {
  type AccountId,
  type KeyFenceStore,
  MasterKey,
  type NewAuditEvent,
  openStore,
  type RoleId,
  type RoleName,
  type StoreConfig,
  type TemporaryAccessKeyId,
  type UserName,
} from '../src/store/index.js';
import { startPostgres } from '../test/support/postgres-server.js';
import { writeDocsSection } from './docs-section.js';
import { describeMachine } from './machine.js';

const BATCH = 500;
const ROUNDS = Number(process.env.AUDIT_BENCH_ROUNDS ?? 20);
const WARMUP_ROUNDS = 3;
const SINK_RECORDS = 10_000;
/** `record()` calls per round of stage 0. */
const RECORD_CALLS = 10_000;
const DATABASES = (process.env.AUDIT_BENCH_DATABASES ?? 'sqlite,postgres').split(',');
const FULL = ROUNDS === 20 && DATABASES.includes('sqlite') && DATABASES.includes('postgres');
const START =
  '<!-- audit-path-bench:start (written by bench/audit-path.bench.ts; edits here are overwritten) -->';
const END = '<!-- audit-path-bench:end -->';
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time in µs so far of this process's main thread, and of all its other threads. */
function threadCpu(): { main: number; others: number } {
  const ticks = (tid: string) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND) * 1e6;
  };
  let others = 0;
  for (const tid of readdirSync('/proc/self/task')) if (tid !== String(process.pid)) others += ticks(tid);
  return { main: ticks(String(process.pid)), others };
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

/** Median µs per event of `work` on `events` events, over the rounds. */
async function timed(events: number, work: () => unknown): Promise<number> {
  const samples: number[] = [];
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    const started = performance.now();
    await work();
    if (round >= WARMUP_ROUNDS) samples.push(((performance.now() - started) * 1000) / events);
  }
  return median(samples);
}

/**
 * Wall time and CPU per thread, µs per event, of `rounds` runs of `work` on `events` events each;
 * `prepare` runs before each, untimed.
 */
async function costed<T>(
  events: number,
  rounds: number,
  prepare: () => T,
  work: (input: T) => Promise<unknown>,
) {
  await work(prepare());
  let wall = 0;
  let main = 0;
  let others = 0;
  for (let round = 0; round < rounds; round++) {
    const input = prepare();
    const cpu = threadCpu();
    const started = performance.now();
    await work(input);
    wall += performance.now() - started;
    const after = threadCpu();
    main += after.main - cpu.main;
    others += after.others - cpu.others;
  }
  const total = events * rounds;
  return { wall: (wall * 1000) / total, main: main / total, others: others / total };
}

/** Arrival times as a server sees them: one clock, always forward (what the indexes are ordered by). */
let clock = Date.now();
const arrival = () => new Date(++clock);

function forwardAuthPassage(caller: Caller): Passage {
  const time = arrival();
  return {
    arrival: {
      entryPoint: 'forward-auth',
      requestId: newEventId(time.getTime()),
      time,
      origin: { address: '127.0.0.1', addressFrom: 'tcp-peer', vpc: undefined },
      headers: {
        host: 'ecs.bench.example',
        'user-agent': 'keyfence-bench',
        'x-forwarded-for': '203.0.113.7',
      },
      original: { method: 'GET', host: 'ecs.bench.example', path: '/' },
    },
    source: { ip: '203.0.113.7', via: 'x-forwarded-for' },
    recorded: { ip: '203.0.113.7', vpcId: null, fault: null },
    progress: {
      action: 'DescribeRegions',
      version: '2014-05-26',
      product: null,
      service: 'ecs',
      params: null,
      caller,
      authentication: 'access-key-id',
      claimedAccessKeyId: null,
      decision: {
        allowed: true,
        reason: 'public-ip-allowed',
        scope: 'account',
        statement: 0,
        policyVersion: 3,
      },
      appliedVersion: 4,
      candidate: null,
    },
  };
}

interface Row {
  readonly stage: string;
  readonly sqlite?: string;
  readonly postgres?: string;
}

async function stages(store: KeyFenceStore): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const us = (value: number) => `${value.toFixed(2)} µs`;
  const account = (await store.write((tx) => tx.createAccount())).accountId as AccountId;
  const root = await store.write((tx) => tx.createAccessKey(account));
  const user = await store.write((tx) => tx.createUser(account, { userName: 'alice' as UserName }));
  const userKey = await store.write((tx) => tx.createAccessKey(account, { userName: user.userName }));
  const caller: Caller = { type: 'root-account', accountId: account, accessKeyId: root.accessKeyId };
  const passagesOf = (count: number) => Array.from({ length: count }, () => forwardAuthPassage(caller));
  const passages = passagesOf(BATCH);
  const region = 'cn-hangzhou';

  const ns = (value: number) => `${(value * 1000).toFixed(0)} ns`;
  // One second's checks, a millisecond apart.
  const secondStart = Math.ceil(arrival().getTime() / 1000) * 1000;
  const second = passagesOf(1000).map((p, i) => ({
    ...recordOf(p, 200, null),
    time: new Date(secondStart + (i % 1000)),
  }));
  out.set('0a `record()`, allowed check identical to a queued one (folded)', ns(await recordCost(second)));
  const deniedChecks = second.map((record) => ({
    ...record,
    decision: { ...record.decision!, allowed: false, reason: 'public-ip-not-allowed' as const },
    errorCode: 'InvalidAccessKeyId.AccessPolicyDenied',
    errorMessage: 'Specified access key denied due to access policy.',
    httpStatus: 400,
  }));
  out.set('0b `record()`, denied check (queued as it is)', ns(await recordCost(deniedChecks)));

  out.set(
    '1 request record (`recordOf`)',
    us(await timed(BATCH, () => passages.map((p) => recordOf(p, 200, null)))),
  );
  const records: RequestRecord[] = passages.map((p) => recordOf(p, 200, null));
  out.set('2a event ID', us(await timed(BATCH, () => records.map((r) => newEventId(r.time.getTime())))));
  const context = (record: RequestRecord) => ({
    eventId: newEventId(record.time.getTime()),
    principal: undefined,
    region,
  });
  out.set(
    '2b `buildAuditEvent` (masking included)',
    us(await timed(BATCH, () => records.map((r) => buildAuditEvent(r, context(r))))),
  );
  const built = records.map((r) => buildAuditEvent(r, context(r)));
  out.set(
    '2c `toStoredEvent` (JSON document, columns)',
    us(await timed(BATCH, () => built.map(toStoredEvent))),
  );
  out.set('   document size', `${toStoredEvent(built[0]!).document.length} B`);
  const userKeys = Array.from({ length: BATCH }, () => userKey.accessKeyId as string);
  out.set(
    '3 principal lookup (batch of 500 RAM-user keys)',
    us(await timed(BATCH, () => store.accessKeyPrincipals(userKeys))),
  );

  const appended = await costed(
    BATCH,
    ROUNDS,
    () => passagesOf(BATCH).map((p) => recordOf(p, 200, null)),
    (batch) =>
      store.appendAuditEvents(batch.map((r): NewAuditEvent => toStoredEvent(buildAuditEvent(r, context(r))))),
  );
  out.set('4 `appendAuditEvents` (500 events, building included): wall', us(appended.wall));
  out.set('   4: CPU, main thread', us(appended.main));
  out.set('   4: CPU, other threads', us(appended.others));
  const stsCaller: Caller = {
    type: 'assumed-role',
    accountId: account,
    accessKeyId: 'STS.BenchAuditPathRollupsOff01' as TemporaryAccessKeyId,
    roleName: 'bench' as RoleName,
    roleId: '3001' as RoleId,
    roleSessionName: 'bench',
  };
  const unrolled = await costed(
    BATCH,
    ROUNDS,
    () => passagesOf(BATCH).map((p) => recordOf(p, 200, null)),
    (batch) =>
      store.appendAuditEvents(
        batch.map(
          (r): NewAuditEvent => toStoredEvent(buildAuditEvent({ ...r, caller: stsCaller }, context(r))),
        ),
      ),
  );
  out.set('4b the same by an STS key (no rollup): wall', us(unrolled.wall));
  out.set('   4b: CPU, main thread', us(unrolled.main));
  out.set('   4b: CPU, other threads', us(unrolled.others));
  let sources = 0;
  const spread = await costed(
    BATCH,
    ROUNDS,
    () =>
      passagesOf(BATCH).map((p) => {
        const record = recordOf(p, 200, null);
        const n = ++sources;
        return {
          ...record,
          source: { ...record.source, ip: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` },
        };
      }),
    (batch) =>
      store.appendAuditEvents(batch.map((r): NewAuditEvent => toStoredEvent(buildAuditEvent(r, context(r))))),
  );
  out.set('4c as 4, each event its own source (an upsert each): wall', us(spread.wall));
  out.set('   4c: CPU, main thread', us(spread.main));
  out.set('   4c: CPU, other threads', us(spread.others));

  const sinkCost = await sinkRun(store, false);
  out.set('5 `StoreAuditSink` record → flush, end to end, one event each: wall', us(sinkCost.wall));
  out.set('   5: CPU, main thread', us(sinkCost.main));
  out.set('   5: CPU, other threads', us(sinkCost.others));
  const coalescedCost = await sinkRun(store, true);
  out.set('6 the same, identical checks coalesced (per record): wall', us(coalescedCost.wall));
  out.set('   6: CPU, main thread', us(coalescedCost.main));
  out.set('   6: CPU, other threads', us(coalescedCost.others));
  return out;
}

/**
 * µs per `record()` call, the median over rounds of RECORD_CALLS calls with `records` (identical
 * allowed checks of one second, or never-folded ones) in turn, each round on a new sink. Its writer
 * takes nothing during a round (that would close the open event) and its store keeps nothing:
 * this is the request path's share alone.
 */
async function recordCost(records: readonly RequestRecord[]): Promise<number> {
  const discard: AuditStore = {
    appendAuditEvents: async () => {},
    accessKeyPrincipals: async () => new Map(),
  };
  const samples: number[] = [];
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    const sink = new StoreAuditSink(discard, {
      batchSize: RECORD_CALLS + 1,
      queueCapacity: RECORD_CALLS,
      flushIntervalMs: 3_600_000,
    });
    const started = performance.now();
    for (let i = 0; i < RECORD_CALLS; i++) sink.record(records[i % records.length]!);
    const elapsed = performance.now() - started;
    if (sink.counters.dropped > 0) throw new Error(`the sink dropped ${sink.counters.dropped} records`);
    await sink.close();
    if (round >= WARMUP_ROUNDS) samples.push((elapsed * 1000) / RECORD_CALLS);
  }
  return median(samples);
}

/** Stage 5 or 6: the whole sink over `store`, coalescing or not. */
async function sinkRun(store: KeyFenceStore, coalesce: boolean) {
  const account = (await store.write((tx) => tx.createAccount())).accountId as AccountId;
  const root = await store.write((tx) => tx.createAccessKey(account));
  const caller: Caller = { type: 'root-account', accountId: account, accessKeyId: root.accessKeyId };
  const sink = new StoreAuditSink(store, { batchSize: BATCH, queueCapacity: SINK_RECORDS, coalesce });
  const sinkCost = await costed(
    SINK_RECORDS,
    3,
    () => Array.from({ length: SINK_RECORDS }, () => forwardAuthPassage(caller)),
    async (arrived) => {
      for (const passage of arrived) sink.record(recordOf(passage, 200, null));
      await sink.flush();
    },
  );
  await sink.close();
  if (sink.counters.dropped > 0) throw new Error(`the sink dropped ${sink.counters.dropped} records`);
  return sinkCost;
}

async function onDatabase(config: StoreConfig): Promise<Map<string, string>> {
  const store = await openStore({ ...config, masterKey: MasterKey.generate() });
  try {
    return await stages(store);
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  const started = new Date();
  const machine = describeMachine();
  const results: Partial<Record<'sqlite' | 'postgres', Map<string, string>>> = {};
  if (DATABASES.includes('sqlite')) {
    const dir = mkdtempSync(join(tmpdir(), 'keyfence-audit-bench-'));
    try {
      results.sqlite = await onDatabase({ dialect: 'sqlite', file: join(dir, 'keyfence.db') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (DATABASES.includes('postgres')) {
    const server = await startPostgres();
    try {
      results.postgres = await onDatabase({
        dialect: 'postgres',
        connectionString: await server.createDatabase(),
      });
    } finally {
      await server.stop();
    }
  }
  const names = [...(results.sqlite ?? results.postgres ?? new Map()).keys()];
  const rows: Row[] = names.map((stage) => ({
    stage,
    sqlite: results.sqlite?.get(stage),
    postgres: results.postgres?.get(stage),
  }));
  const table = [
    '| stage, per event | SQLite | PostgreSQL |',
    '| --- | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${row.stage.replace(/^ {3}/, '&nbsp;&nbsp;&nbsp;')} | ${row.sqlite ?? '–'} | ${row.postgres ?? '–'} |`,
    ),
  ];
  console.log(table.join('\n'));
  if (!FULL) {
    console.log('(not every database, or not the default rounds: docs/benchmarks.md not written)');
    return;
  }
  writeDocsSection(
    START,
    END,
    [
      '## The audit path per event (`npm run bench:audit`)',
      '',
      `Last run: ${started.toISOString().slice(0, 19)}Z. ${machine.cpu}, ${machine.cores} cores, Node.js ${machine.node};`,
      `load average at start ${machine.loadAverage}.`,
      '',
      '```sh',
      'npm run bench:audit',
      '# = node --import tsx bench/audit-path.bench.ts',
      '```',
      '',
      `Batches of ${BATCH} forward-auth records (root key, allowed), median of ${ROUNDS} rounds per stage; CPU per`,
      'thread from /proc. PostgreSQL is the embedded test server (durability off) on the same machine.',
      `Stage 0 is one \`record()\` call (${RECORD_CALLS} a round, on a new sink), in ns; stage 5 stores every record as its own`,
      'event (`coalesce: false`), stage 6 the same records coalesced (identical checks 1 ms apart: about a',
      'thousand per event), per record. Stage 4b is stage 4 by an STS key, which the key-source rollups leave',
      'out (4 minus 4b: what keeping them adds); 4c is stage 4 with every event from its own source.',
      '',
      ...table,
    ].join('\n'),
  );
}

await main();
