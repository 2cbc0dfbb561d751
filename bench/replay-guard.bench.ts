/**
 * The replay guard's memory and speed (docs/auth.md, "Replay guard"): bytes per remembered nonce
 * with the default cap of 4,000,000 reached, and the CPU time of an admission (the SHA-256 of the
 * pair, the lookup, the insert, the eviction of what expired). Nonces are what the Alibaba SDKs send
 * (a random UUID), over 100 AccessKeys; all are admitted within one window, so none expires.
 *
 *   npm run bench:replay-guard      (REPLAY_GUARD_BENCH_NONCES=100000 for a quick run; docs/benchmarks.md is then not written)
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_REPLAY_GUARD_LIMITS, ReplayGuard } from '../src/auth/replay-guard.js';
import { publishResult, sectionHead } from './docs-section.js';
import { describeMachine } from './machine.js';
import { settledMemory } from './measure.js';

const NONCES = Number(process.env.REPLAY_GUARD_BENCH_NONCES ?? DEFAULT_REPLAY_GUARD_LIMITS.maxEntries);
const FULL = NONCES === DEFAULT_REPLAY_GUARD_LIMITS.maxEntries;
const START =
  '<!-- replay-guard-bench:start (written by bench/replay-guard.bench.ts; edits here are overwritten) -->';
const END = '<!-- replay-guard-bench:end -->';
const KEYS = Array.from({ length: 100 }, (_, i) => `LTAI5tBench${String(i).padStart(13, '0')}`);

async function main(): Promise<void> {
  const started = new Date();
  const machine = describeMachine();
  // The nonces are made beforehand, so that neither their making nor their strings are counted;
  // flat, as a request's header is (randomUUID's own strings are ropes of ~480 bytes, which the
  // guard's hashing would flatten and so free while it is measured).
  const nonces = Array.from({ length: NONCES }, () => Buffer.from(randomUUID(), 'latin1').toString('latin1'));
  const guard = new ReplayGuard();
  const before = await settledMemory();
  const now = new Date();
  const cpu = process.cpuUsage();
  for (let i = 0; i < NONCES; i++) {
    const outcome = guard.admit(KEYS[i % KEYS.length]!, nonces[i]!, now, now);
    if (outcome !== 'admitted') throw new Error(`nonce ${i}: ${outcome}`);
  }
  const spent = process.cpuUsage(cpu);
  const after = await settledMemory();
  if (guard.admit(KEYS[0]!, nonces[0]!, now, now) !== 'replayed')
    throw new Error('a replay was not recognised');
  const bytesPerNonce = (after - before) / NONCES;
  const microsPerAdmission = (spent.user + spent.system) / NONCES;
  // What a node can sustain before it is full: every nonce is held for the window after its signed time.
  const sustained = DEFAULT_REPLAY_GUARD_LIMITS.maxEntries / (guard.windowMs / 1000);
  const summary = {
    nonces: NONCES,
    bytes_per_nonce: Number(bytesPerNonce.toFixed(1)),
    us_per_admission: Number(microsPerAdmission.toFixed(2)),
    sustained_signed_rps: Math.floor(sustained),
  };
  publishResult({
    start: START,
    end: END,
    full: FULL,
    settings: 'nonce count',
    summary,
    markdown: () =>
      [
        ...sectionHead({
          title: 'Replay guard',
          script: 'bench:replay-guard',
          runs: 'node --import tsx --expose-gc bench/replay-guard.bench.ts',
          machine,
          started,
        }),
        `${NONCES.toLocaleString('en-US')} nonces (random UUIDs, as the Alibaba SDKs send) admitted over ${KEYS.length} AccessKeys within one window, up to the default cap (\`maxEntries\`).`,
        'Memory is heapUsed + arrayBuffers after full collections, minus the same before, per nonce (the nonce strings',
        "themselves are the requests', made beforehand and not counted); CPU time is per admission.",
        '',
        '| nonces remembered | bytes per nonce | µs per admission | signed requests/s a node sustains before it is full |',
        '|---|---|---|---|',
        `| ${NONCES.toLocaleString('en-US')} | ${bytesPerNonce.toFixed(1)} | ${microsPerAdmission.toFixed(2)} | ${Math.floor(sustained).toLocaleString('en-US')} (cap / ${guard.windowMs / 60_000}-minute window) |`,
      ].join('\n'),
  });
}

await main();
