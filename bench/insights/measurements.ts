/**
 * What the insights benchmark measures on a seeded database: a list of named measurements, each
 * a small function over the seeded store and a server answering signed calls in this process.
 * A measurement reports only what it measured; one that needs something not built yet is simply
 * not in the list.
 */

import { DAY_MS } from '../../src/common/utc-day.js';
import { CONFIG_DEFAULTS } from '../../src/config/config-defaults.js';
import { DecisionIndex } from '../../src/policy/decision-index.js';
import { parsePolicy } from '../../src/policy/parse-policy.js';
import type { KeyFenceStore, NewAuditEvent } from '../../src/store/index.js';
import { AuditRetention, type RetentionPass } from '../../src/sync/audit-retention.js';
import { loadIndex } from '../../src/sync/load-index.js';
import { call } from '../../test/support/server-harness.js';
import { percentile } from '../measure.js';
import type { Population } from './population.js';
import type { SeedDatabase } from './seed-database.js';
import { storedEvent, type TrafficKey } from './seeded-events.js';
import { draw } from './traffic.js';

export const KEYFENCE_VERSION = '2026-12-01';

/** What a measurement runs against. */
export interface InsightsRun {
  readonly dialect: 'sqlite' | 'postgres';
  readonly store: KeyFenceStore;
  /** The port of a server over `store`, answering signed calls of every action. */
  readonly port: number;
  readonly population: Population;
  readonly keys: readonly TrafficKey[];
  readonly db: SeedDatabase;
  readonly random: () => number;
}

/** A measurement's outcome: `value` is what its target bounds, `text` what the table shows. */
export interface Measured {
  readonly value: number;
  readonly text: string;
}

export interface Measurement {
  readonly name: string;
  /** Met when `value` is at most `max`; said as `text` (e.g. `≤ 50 ms`). */
  readonly target?: { readonly max: number; readonly text: string };
  run(run: InsightsRun): Promise<Measured>;
}

const ROLLUP_ROUNDS = 120;
const ROLLUP_WARMUP = 3;
const BATCH = 500;
const SOURCES_CALLS = 40;
const RETENTION_DAYS_DELETED = 3;
const ACCOUNT_CALLS = 12;

const medianP95 = (samples: readonly number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), p95: percentile(sorted, 95) };
};

/** Arrival times as a server sees them: one clock, always forward. */
let clock = Date.now();
const arrival = () => new Date(Math.max(++clock, Date.now()));

/**
 * `appendAuditEvents` of a batch of 500 events (building included) of a random seeded key from
 * its own sources, on the big tables, against the same: batches built the same way whose
 * AccessKeyId column alone names a temporary key (the key's `STS.` twin), which the rollups leave out (documents, sizes
 * and every other column alike), in blocks of rounds. The added cost is the median per event with
 * rollups over the median without, minus one.
 */
const rollupMaintenance: Measurement = {
  name: 'rollup maintenance: added cost per event on the audit write path',
  target: { max: 10, text: '≤ 10 %' },
  async run({ store, keys, random }) {
    const withRollups: number[] = [];
    const without: number[] = [];
    const batchOf = (unrolled: boolean): NewAuditEvent[] => {
      const key = keys[Math.floor(random() * keys.length)]!;
      return Array.from({ length: BATCH }, () => {
        const event = storedEvent(key, draw(random, key.profile), arrival());
        // The same key's temporary twin: its events land in the (account, key, time) index at a
        // place of their own, as the key's do. One fixed temporary key for every batch made the
        // baseline append to one hot index page, which at 10 million events cost the rolled-up
        // batches about 10 % more by itself (their key's page is a random, cold one).
        return unrolled ? { ...event, accessKeyId: `STS.${key.key.accessKeyId}` } : event;
      });
    };
    const timed = async (sts: boolean) => {
      const started = performance.now();
      await store.appendAuditEvents(batchOf(sts));
      return ((performance.now() - started) * 1000) / BATCH;
    };
    // Blocks of rounds in turn (a block of each, twice): back-to-back pairs showed a bias by
    // position even between identical batches (an A/A run measured -30 %), which blocks do not.
    for (let round = 0; round < ROLLUP_WARMUP; round++) {
      await timed(false);
      await timed(true);
    }
    for (let block = 0; block < 4; block++) {
      const unrolled = block % 2 === 1;
      for (let round = 0; round < ROLLUP_ROUNDS / 2; round++) {
        (unrolled ? without : withRollups).push(await timed(unrolled));
      }
    }
    const on = medianP95(withRollups);
    const off = medianP95(without);
    const added = (on.median / off.median - 1) * 100;
    return {
      value: added,
      text: `${added.toFixed(1)} % (${on.median.toFixed(1)} µs/event, p95 ${on.p95.toFixed(1)}; without ${off.median.toFixed(1)}, p95 ${off.p95.toFixed(1)})`,
    };
  },
};

/**
 * `ListAccessKeySources` of one key over the default window (30 days), signed by its account's
 * operator key: random keys, and every fourth call the key with the most sources.
 */
const listAccessKeySources: Measurement = {
  name: '`ListAccessKeySources`, one key, 30 days',
  target: { max: 50, text: '≤ 50 ms' },
  async run({ port, population, keys, random }) {
    const operators = new Map(population.accounts.map((a) => [a.accountId as string, a.operator]));
    const noisiest = keys.reduce((a, b) => (b.profile.sources.length > a.profile.sources.length ? b : a));
    const samples: number[] = [];
    const noisy: number[] = [];
    let sources = 0;
    for (let i = -3; i < SOURCES_CALLS; i++) {
      const key = i % 4 === 0 ? noisiest : keys[Math.floor(random() * keys.length)]!;
      const started = performance.now();
      const reply = await call(port, {
        action: 'ListAccessKeySources',
        version: KEYFENCE_VERSION,
        credentials: operators.get(key.key.principal.accountId)!,
        params: { AccessKeyId: key.key.accessKeyId },
      });
      const ms = performance.now() - started;
      if (reply.status !== 200) throw new Error(`ListAccessKeySources: ${reply.status} ${reply.text}`);
      if (i < 0) continue;
      samples.push(ms);
      if (key === noisiest) {
        noisy.push(ms);
        sources = reply.body.TotalCount;
      }
    }
    const all = medianP95(samples);
    const busiest = medianP95(noisy);
    return {
      value: all.median,
      text: `${all.median.toFixed(1)} ms, p95 ${all.p95.toFixed(1)} (${samples.length} calls); the noisiest key (${sources} sources): ${busiest.median.toFixed(1)} ms`,
    };
  },
};

/**
 * One account-wide action over the default window (30 days), signed by the account's operator
 * key, for random accounts (the first three calls warm up): its median and p95, and what
 * `describe` makes of the last reply.
 */
async function accountCalls(
  { port, population, random }: InsightsRun,
  action: string,
  params: Record<string, string>,
  describe: (body: Record<string, unknown>) => string,
): Promise<Measured> {
  const samples: number[] = [];
  let last: Record<string, unknown> = {};
  for (let i = -3; i < ACCOUNT_CALLS; i++) {
    const account = population.accounts[Math.floor(random() * population.accounts.length)]!;
    const started = performance.now();
    const reply = await call(port, {
      action,
      version: KEYFENCE_VERSION,
      credentials: account.operator,
      params,
    });
    const ms = performance.now() - started;
    if (reply.status !== 200) throw new Error(`${action}: ${reply.status} ${reply.text}`);
    if (i < 0) continue;
    samples.push(ms);
    last = reply.body;
  }
  const { median, p95 } = medianP95(samples);
  return {
    value: median,
    text: `${median.toFixed(0)} ms, p95 ${p95.toFixed(0)} (${samples.length} accounts); last: ${describe(last)}`,
  };
}

/**
 * `RecommendAccessKeyPolicy` for a whole account (every key its account-level policy governs),
 * all of the allowed calls (`Coverage` 100).
 */
const recommendForAccount: Measurement = {
  name: '`RecommendAccessKeyPolicy`, whole account, 30 days',
  target: { max: 1000, text: '≤ 1 s' },
  run: (run) =>
    accountCalls(
      run,
      'RecommendAccessKeyPolicy',
      {},
      (body) =>
        `${(body.Entries as unknown[]).length} entries covering ${body.CoveredCalls} of ${body.TotalCalls} allowed calls, ${(body.Uncovered as unknown[]).length} sources left out`,
    ),
};

/**
 * `SimulateAccessKeyPolicy` of an account-level candidate that lets in one /24 none of the
 * traffic comes from and no VPC: nearly every source of every key the account policy governs is
 * newly denied, the largest answer an account can get (up to the cap on sources).
 */
const simulateAccountCandidate: Measurement = {
  name: '`SimulateAccessKeyPolicy`, account-level candidate, 30 days',
  target: { max: 1000, text: '≤ 1 s' },
  run: (run) =>
    accountCalls(
      run,
      'SimulateAccessKeyPolicy',
      {
        AccessKeyPolicy: JSON.stringify({
          Version: 1,
          Status: 'Active',
          Statements: [{ Type: 'ClassicWhiteList', IPList: ['192.0.2.0/24'] }],
        }),
      },
      (body) =>
        `${body.AffectedKeys} keys, ${body.ScannedSources} sources scanned, ${body.NewlyDeniedCalls} calls newly denied`,
    ),
};

const DECISIONS = 100_000;

function parsePolicyOrThrow(document: unknown) {
  const parsed = parsePolicy(JSON.stringify(document));
  if (!parsed.ok) throw new Error(`bench policy refused: ${JSON.stringify(parsed.errors)}`);
  return parsed.policy;
}
const DECISION_ROUNDS = 7;

/**
 * What a node's gate does per request (access-gate.ts): `decide`, then `decideCandidate` only
 * while a candidate is staged somewhere, on an index loaded from the seeded store, over 100,000
 * (key, source, service) drawn from the traffic. Three states, in the same run, a round of each
 * in turn: no candidate anywhere; one account's candidate (every other key pays the check of
 * whether its scopes have one); a candidate on every account (every key under an account policy
 * decides twice). The candidate lets in one /24 none of the traffic comes from.
 */
const decisionWithCandidates: Measurement = {
  name: 'the decision (gate sequence) without and with report-only candidates',
  async run({ store, population, keys, random }) {
    const index = new DecisionIndex();
    await loadIndex(store, index);
    const candidate = parsePolicyOrThrow({
      Version: 1,
      Status: 'Active',
      Statements: [{ Type: 'ClassicWhiteList', IPList: ['192.0.2.0/24'] }],
    });
    const calls = Array.from({ length: DECISIONS }, () => {
      const key = keys[Math.floor(random() * keys.length)]!;
      const { source, service } = draw(random, key.profile);
      return {
        credential: { accessKeyId: key.key.accessKeyId as string, temporary: false },
        source: source.vpcId === null ? { ip: source.ip } : { ip: source.ip, vpcId: source.vpcId },
        service,
      };
    });
    let denied = 0;
    const pass = (): number => {
      const started = process.hrtime.bigint();
      for (const { credential, source, service } of calls) {
        const decision = index.decide(credential, source, service);
        if (!decision.allowed) denied++;
        if (index.candidateCount !== 0 && decision.reason !== 'exempt-service') {
          if (index.decideCandidate(credential, source, service)?.allowed === false) denied++;
        }
      }
      return Number(process.hrtime.bigint() - started) / calls.length;
    };
    const accounts = population.accounts.map((a) => a.accountId as string);
    const stage = (which: readonly string[], policy: typeof candidate | null) => {
      for (const accountId of which) index.setAccountCandidate(accountId, policy, 1);
    };
    const states = {
      none: [] as number[],
      one: [] as number[],
      every: [] as number[],
    };
    for (let round = -1; round < DECISION_ROUNDS; round++) {
      const none = pass();
      stage(accounts.slice(0, 1), candidate);
      const one = pass();
      stage(accounts, candidate);
      const every = pass();
      stage(accounts, null);
      if (round < 0) continue;
      states.none.push(none);
      states.one.push(one);
      states.every.push(every);
    }
    const none = medianP95(states.none).median;
    const one = medianP95(states.one).median;
    const every = medianP95(states.every).median;
    return {
      value: none,
      text: `${none.toFixed(0)} ns without a candidate; ${one.toFixed(0)} ns with one account's (+${(one - none).toFixed(0)}); ${every.toFixed(0)} ns with every account's (+${(every - none).toFixed(0)}); median of ${DECISION_ROUNDS} rounds of ${DECISIONS.toLocaleString('en')} (${denied} denials seen)`,
    };
  },
};

/**
 * The retention chore deleting the oldest day's events and rollups, a day per pass, for
 * RETENTION_DAYS_DELETED days (the last measurement: it takes those days away). Each pass is
 * given a clock and a retention that put its cut-off the day after the oldest event's, and a
 * lease day far ahead of the server's own daily pass, so that the lease never stands in its way.
 */
const retention: Measurement = {
  name: 'one day\u2019s retention deletion (the retention chore)',
  async run({ dialect, store, db }) {
    const passes: RetentionPass[] = [];
    for (let day = 0; day < RETENTION_DAYS_DELETED; day++) {
      const oldest = Math.floor((await db.oldestEvent()) / DAY_MS);
      const leaseDay = oldest + 100_000;
      const chore = new AuditRetention(store, {
        nodeId: 'bench-retention',
        days: leaseDay - (oldest + 1),
        checkMs: 3_600_000,
        batchRows: CONFIG_DEFAULTS.retentionBatchRows[dialect],
        now: () => new Date(leaseDay * DAY_MS + 3_600_000),
        onPass: (pass) => passes.push(pass),
        // run() rejects with a pass's error itself; this is for the chore's scheduler.
        onError: () => {},
      });
      await chore.run();
    }
    const rows = passes.map((p) => p.deleted.audit_events + p.deleted.key_source_rollups);
    const seconds = passes.map((p) => p.durationMs / 1000);
    const rates = rows.map((count, i) => count / Math.max(seconds[i]!, 1e-3));
    const time = medianP95(seconds);
    const events = medianP95(passes.map((p) => p.deleted.audit_events)).median;
    const rollups = medianP95(passes.map((p) => p.deleted.key_source_rollups)).median;
    return {
      value: time.median,
      text: `${time.median.toFixed(1)} s, p95 ${time.p95.toFixed(1)} (${passes.length} days); ${events} events + ${rollups} rollup rows a day; ${Math.round(medianP95(rates).median)} rows/s`,
    };
  },
};

/** In the order they run: retention last, since it deletes days. */
export const MEASUREMENTS: readonly Measurement[] = [
  rollupMaintenance,
  listAccessKeySources,
  recommendForAccount,
  simulateAccountCandidate,
  decisionWithCandidates,
  retention,
];
