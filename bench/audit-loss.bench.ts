/**
 * What a kill -9 costs the audit log, and what `audit.durability: strict` costs in throughput
 * (docs/audit.md, "Durability"). For each durability (`async`, then `strict`), in the same run:
 *
 *   1. loss: the real `keyfence serve` (built CLI, SQLite, coalescing off so that every request
 *      is an event of its own and can be matched by RequestId) gets allowed forward-auth checks at
 *      a fixed rate R for S seconds, is killed with SIGKILL while the load still runs, and its
 *      database is then read: acknowledged checks (a 200 received before the kill) without an
 *      event are lost. Printed per round, and as seconds of traffic lost (lost / R);
 *   2. cost: a fresh process answers checks as fast as C concurrent clients send them, for S
 *      seconds; the strict/async ratio of checks per second is printed.
 *
 *   npm run bench:audit-loss
 *   AUDIT_LOSS_RATE=200 AUDIT_LOSS_SECONDS=2 AUDIT_LOSS_ROUNDS=1 npm run bench:audit-loss   (smoke)
 *
 * Settings: AUDIT_LOSS_RATE (checks/s, default 2000), AUDIT_LOSS_SECONDS (default 5),
 * AUDIT_LOSS_ROUNDS (kills per durability, default 3), AUDIT_LOSS_CONCURRENCY (default 32).
 */
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_FILE_NAME } from '../src/store/index.js';
import { publishResult, sectionHead } from './docs-section.js';
import { allowBenchClients, type BenchKeyFence, startBenchKeyFence } from './forward-auth-process.js';
import { describeMachine } from './machine.js';
import { type Credentials, signedHeaders } from './signed-headers.js';

const RATE = positive('AUDIT_LOSS_RATE', 2000);
const SECONDS = positive('AUDIT_LOSS_SECONDS', 5);
const ROUNDS = positive('AUDIT_LOSS_ROUNDS', 3);
const CONCURRENCY = positive('AUDIT_LOSS_CONCURRENCY', 32);
const DURABILITIES = ['async', 'strict'] as const;
type Durability = (typeof DURABILITIES)[number];
const START =
  '<!-- audit-loss-bench:start (written by bench/audit-loss.bench.ts; edits here are overwritten) -->';
const END = '<!-- audit-loss-bench:end -->';

function positive(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number`);
  return value;
}

/** What nginx's auth_request sends for one allowed client request, signed afresh (new nonce). */
function checkHeaders(credentials: Credentials): Record<string, string> {
  return signedHeaders(
    {
      host: 'ecs.example.com',
      method: 'GET',
      action: 'DescribeRegions',
      version: '2014-05-26',
      query: [['RegionId', 'cn-hangzhou']],
      credentials,
    },
    {
      'x-original-method': 'GET',
      'x-original-uri': '/?RegionId=cn-hangzhou',
      'x-forwarded-for': '127.0.0.1',
    },
  );
}

/** One check; resolves with the RequestId of an allowed answer, undefined for anything else. */
function check(api: URL, agent: Agent, credentials: Credentials): Promise<string | undefined> {
  const headers = checkHeaders(credentials);
  return new Promise((resolve) => {
    const req = request(
      { host: api.hostname, port: api.port, path: '/forward-auth', method: 'GET', headers, agent },
      (res) => {
        res.resume();
        res.on('end', () => {
          const id = res.headers['x-keyfence-request-id'];
          resolve(res.statusCode === 200 && typeof id === 'string' ? id : undefined);
        });
        res.on('error', () => resolve(undefined));
      },
    );
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

async function start(durability: Durability): Promise<BenchKeyFence> {
  const kf = await startBenchKeyFence({ verifySignature: true, audit: { durability, coalesce: false } });
  await allowBenchClients(kf);
  return kf;
}

interface Loss {
  readonly acknowledged: number;
  readonly lost: number;
}

/** Checks at RATE for SECONDS, then kill -9 under load; counts acknowledged checks without an event. */
async function lossRound(durability: Durability): Promise<Loss> {
  const kf = await start(durability);
  const api = new URL(kf.api);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const acknowledged = new Set<string>();
  let killed = false;
  let sent = 0;
  const began = performance.now();
  await new Promise<void>((done) => {
    const timer = setInterval(() => {
      const elapsed = (performance.now() - began) / 1000;
      if (elapsed >= SECONDS) {
        clearInterval(timer);
        done();
        return;
      }
      for (const due = Math.floor(elapsed * RATE); sent < due; sent++) {
        void check(api, agent, kf.root).then((id) => {
          if (id !== undefined && !killed) acknowledged.add(id);
        });
      }
    }, 5);
  });
  // Under load: checks are still being sent and answered when the process dies.
  killed = true;
  await kf.crash();
  agent.destroy();
  const database = new Database(join(kf.dataDir, SQLITE_FILE_NAME));
  let stored: Set<string>;
  try {
    const rows = database
      .prepare(
        `select request_id from audit_events
         where json_extract(event, '$.keyfence.entryPoint') = 'forward-auth' and error_code is null`,
      )
      .all() as { request_id: string }[];
    stored = new Set(rows.map((row) => row.request_id));
  } finally {
    database.close();
  }
  await kf.stop();
  let lost = 0;
  for (const id of acknowledged) if (!stored.has(id)) lost++;
  return { acknowledged: acknowledged.size, lost };
}

/** Checks per second with CONCURRENCY clients each sending the next as soon as one is answered. */
async function throughput(durability: Durability): Promise<number> {
  const kf = await start(durability);
  const api = new URL(kf.api);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const until = performance.now() + SECONDS * 1000;
  let answered = 0;
  const client = async () => {
    while (performance.now() < until) if ((await check(api, agent, kf.root)) !== undefined) answered++;
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  const rate = answered / ((performance.now() - began) / 1000);
  agent.destroy();
  await kf.stop();
  return rate;
}

const started = new Date();
const machine = describeMachine();
console.log(
  `audit loss under kill -9: ${RATE} allowed forward-auth checks/s for ${SECONDS} s, ${ROUNDS} round(s) per durability`,
);
interface DurabilityLoss {
  readonly rounds: { readonly acknowledged: number; readonly lost: number }[];
  readonly maxLost: number;
  readonly meanLost: number;
}
const losses = new Map<Durability, DurabilityLoss>();
for (const durability of DURABILITIES) {
  const rounds: { acknowledged: number; lost: number }[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const outcome = await lossRound(durability);
    rounds.push(outcome);
    console.log(
      `  ${durability} round ${round}: ${outcome.acknowledged} acknowledged, ${outcome.lost} without an event ` +
        `(${(outcome.lost / RATE).toFixed(3)} s of traffic)`,
    );
  }
  const lost = rounds.map((round) => round.lost);
  const loss = { rounds, maxLost: Math.max(...lost), meanLost: lost.reduce((a, b) => a + b, 0) / ROUNDS };
  losses.set(durability, loss);
  console.log(
    `  ${durability}: at most ${loss.maxLost} lost (${(loss.maxLost / RATE).toFixed(3)} s of traffic at ${RATE}/s), ` +
      `mean ${loss.meanLost.toFixed(1)}`,
  );
}
console.log(`throughput, ${CONCURRENCY} concurrent clients, ${SECONDS} s each:`);
const rates = new Map<Durability, number>();
for (const durability of DURABILITIES) {
  const rate = await throughput(durability);
  rates.set(durability, rate);
  console.log(`  ${durability}: ${rate.toFixed(0)} checks/s`);
}
const ratio = rates.get('strict')! / rates.get('async')!;

const lossRow = (durability: Durability) => {
  const loss = losses.get(durability)!;
  return (
    `| \`${durability}\` | ${loss.rounds.map((round) => `${round.acknowledged} / ${round.lost}`).join(' · ')} | ` +
    `${loss.maxLost} (${(loss.maxLost / RATE).toFixed(3)} s of traffic) | ${loss.meanLost.toFixed(1)} | ` +
    `${Math.round(rates.get(durability)!).toLocaleString('en-US')} |`
  );
};
publishResult({
  start: START,
  end: END,
  full: RATE === 2000 && SECONDS === 5 && ROUNDS === 3 && CONCURRENCY === 32,
  settings: 'rate/seconds/rounds/concurrency',
  markdown: () =>
    [
      ...sectionHead({
        title: 'Audit durability under kill -9',
        script: 'bench:audit-loss',
        runs: 'npm run build && node --import tsx bench/audit-loss.bench.ts',
        machine,
        started,
      }),
      `The real \`keyfence serve\` (SQLite, coalescing off, so every check is an event matched by its`,
      `RequestId) gets signed, allowed forward-auth checks at ${RATE}/s for ${SECONDS} s and is killed with`,
      `SIGKILL while the load runs; its database is then read. ${ROUNDS} kills per durability. Then, in the`,
      `same run, a fresh process per durability answers ${CONCURRENCY} concurrent clients for ${SECONDS} s.`,
      '',
      `| durability | acknowledged / lost, per kill | most lost | mean lost | checks/s, ${CONCURRENCY} clients |`,
      '| --- | --- | --- | --- | --- |',
      ...DURABILITIES.map(lossRow),
      '',
      `- \`async\` (the default) loses at most about one flush interval of reads, denials and checks:`,
      `  **${losses.get('async')!.maxLost}** events, **${(losses.get('async')!.maxLost / RATE).toFixed(2)} s** of traffic at ${RATE}/s. Calls that change state lose nothing`,
      '  in either mode (their event commits with the change; `test/e2e/audit-kill-serve.test.ts`).',
      `- \`strict\`: **${losses.get('strict')!.maxLost}** lost; throughput **${(ratio * 100).toFixed(0)} %** of \`async\`.`,
    ].join('\n'),
  summary: {
    rate: RATE,
    seconds: SECONDS,
    rounds: ROUNDS,
    async_max_lost: losses.get('async')!.maxLost,
    strict_max_lost: losses.get('strict')!.maxLost,
    async_rps: Math.round(rates.get('async')!),
    strict_rps: Math.round(rates.get('strict')!),
    strict_vs_async: Number(ratio.toFixed(3)),
  },
});
