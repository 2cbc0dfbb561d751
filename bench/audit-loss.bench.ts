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
import { allowBenchClients, type BenchKeyFence, startBenchKeyFence } from './forward-auth-process.js';
import { type Credentials, signedHeaders } from './signed-headers.js';

const RATE = positive('AUDIT_LOSS_RATE', 2000);
const SECONDS = positive('AUDIT_LOSS_SECONDS', 5);
const ROUNDS = positive('AUDIT_LOSS_ROUNDS', 3);
const CONCURRENCY = positive('AUDIT_LOSS_CONCURRENCY', 32);
const DURABILITIES = ['async', 'strict'] as const;
type Durability = (typeof DURABILITIES)[number];

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

console.log(
  `audit loss under kill -9: ${RATE} allowed forward-auth checks/s for ${SECONDS} s, ${ROUNDS} round(s) per durability`,
);
const rates = new Map<Durability, number>();
for (const durability of DURABILITIES) {
  let maxLost = 0;
  let totalLost = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const { acknowledged, lost } = await lossRound(durability);
    maxLost = Math.max(maxLost, lost);
    totalLost += lost;
    console.log(
      `  ${durability} round ${round}: ${acknowledged} acknowledged, ${lost} without an event ` +
        `(${(lost / RATE).toFixed(3)} s of traffic)`,
    );
  }
  console.log(
    `  ${durability}: at most ${maxLost} lost (${(maxLost / RATE).toFixed(3)} s of traffic at ${RATE}/s), ` +
      `mean ${(totalLost / ROUNDS).toFixed(1)}`,
  );
}
console.log(`throughput, ${CONCURRENCY} concurrent clients, ${SECONDS} s each:`);
for (const durability of DURABILITIES) {
  const rate = await throughput(durability);
  rates.set(durability, rate);
  console.log(`  ${durability}: ${rate.toFixed(0)} checks/s`);
}
console.log(`  strict / async: ${(rates.get('strict')! / rates.get('async')!).toFixed(3)}`);
