/**
 * Forward-auth throughput: requests/s and latency of
 *   1. a bare node:http server answering 200 with an empty body and the identity headers KeyFence
 *      answers with (same bytes on the wire): the floor of any Node server;
 *   2. KeyFence's /forward-auth with signature verification off (`forwardAuth.verifySignature:
 *      false`): the key identified by its AccessKeyId, the network ACL decided, the audit record
 *      queued, 200 with identity headers. Target: at least 85 % of (1);
 *   3. the bare server again, with requests signed as they are sent (the signing cost is the load
 *      generator's, so (4) is compared with this row);
 *   4. /forward-auth with verification on: an ACS3-signed request per check, fresh nonce each,
 *      its nonce kept durably (`replayProtection: store`, the default; on this SQLite store a
 *      journal in the data folder, one append per turn of the event loop, docs/auth.md);
 *   5. the same with `replayProtection: memory` (the replay guard alone). Target: (4) at least
 *      90 % of (5), the median of paired rounds.
 * Every request is what nginx's auth_request sends (docs/forward-auth.md): GET /forward-auth with
 * the client's headers, X-Original-Method/-URI, X-Forwarded-For; an Active account-level policy
 * allows the client address, so every check is a real policy match. Loopback only, autocannon,
 * all in the same run; each target also at half its maximum rate for p50/p99 under load.
 *
 * The load generator runs on CPU 0 and the servers on the others (bench/cpu-pinning.ts;
 * BENCH_NO_PINNING=1 to compare without).
 *
 *   npm run bench:forward-auth      (FORWARD_AUTH_BENCH_SECONDS=3 FORWARD_AUTH_BENCH_ROUNDS=1 for a quick run;
 *                                    docs/benchmarks.md is then not written)
 */
import { describePinning, type Pinning, pinLoadGeneratorAndServers } from './cpu-pinning.js';
import { publishResult, sectionHead } from './docs-section.js';
import { identifyingCheck, signedCheck } from './forward-auth-checks.js';
import { allowBenchClients, startBenchKeyFence } from './forward-auth-process.js';
import {
  type LoadRequest,
  loadSettingsFromEnv,
  loadShape,
  type Measured,
  measureInterleaved,
  measureMethod,
  pairedRatios,
  resultRows,
  startBareServer,
} from './load.js';
import { describeMachine, type Machine } from './machine.js';

// Many short rounds: on a shared machine whatever else runs comes and goes within seconds, so the
// two halves of a pair are compared best when they run close together; the median of 30 paired
// 2 s rounds moves far less from run to run than that of a few long ones.
const { settings, full: FULL } = loadSettingsFromEnv('FORWARD_AUTH_BENCH', {
  rounds: 30,
  seconds: 2,
  warmupSeconds: 0.5,
});
// Ten rounds of 2 s with signatures (20 s per target): the durable/memory ratio is a median of
// paired rounds, and five swung by ±15 points on this shared machine. KeyFence remembers each
// key's nonces for the signature window and refuses new ones beyond 1,000,000 per key (it fails
// closed, src/auth/replay-guard.ts): ten rounds at ~25,000 checks/s stay below it, thirty would not.
const SIGNED_SETTINGS = FULL ? { ...settings, rounds: 10, seconds: 2 } : settings;
const START =
  '<!-- forward-auth-bench:start (written by bench/forward-auth.bench.ts; edits here are overwritten) -->';
const END = '<!-- forward-auth-bench:end -->';
/** KeyFence with an Active account-level policy in force that allows the client. */
async function startKeyFence(verifySignature: boolean, replayProtection?: 'store' | 'memory') {
  const kf = await startBenchKeyFence({ verifySignature, ...(replayProtection ? { replayProtection } : {}) });
  await allowBenchClients(kf);
  return kf;
}

/** The identity headers KeyFence answers a check with, for the bare server to answer alike. */
async function identityHeadersOf(api: string, request: LoadRequest): Promise<Record<string, string>> {
  const response = await fetch(new URL(request.path ?? '/', api), { headers: request.headers ?? {} });
  if (response.status !== 200) throw new Error(`the probe check got HTTP ${response.status}`);
  return Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('x-keyfence-')));
}

const percent = (ratio: number) => `${(ratio * 100).toFixed(0)} %`;

function markdown(runs: readonly Measured[], machine: Machine, pinning: Pinning, started: Date): string {
  const [bare, off, bareSigned, on, onMemory] = runs as [Measured, Measured, Measured, Measured, Measured];
  const offVsBare = pairedRatios(off, bare);
  const durable = pairedRatios(on, onMemory);
  return [
    ...sectionHead({
      title: 'Forward-auth',
      script: 'bench:forward-auth',
      runs: 'npm run build && node --import tsx bench/forward-auth.bench.ts',
      machine,
      started,
    }),
    ...measureMethod(settings),
    `run; the three rows with signed requests in ${SIGNED_SETTINGS.rounds} rounds of ${SIGNED_SETTINGS.seconds} s. Every request is what nginx's \`auth_request\` sends`,
    '(GET `/forward-auth`, X-Original-Method/-URI,',
    'X-Forwarded-For); KeyFence (`keyfence serve --config`, fresh SQLite store, audit events written) decides it',
    'under an Active account-level policy that allows the client, and answers 200 with identity headers.',
    describePinning(pinning),
    'Server CPU per request: user and system time of the server process (every thread), read from',
    '/proc over each full-speed run, over the requests answered.',
    '',
    'With verification on, each nonce is kept durably (`replayProtection: store`, the default: on this',
    'SQLite store, journaled in the data folder before the answer) or only remembered in memory',
    '(`replayProtection: memory`).',
    '',
    ...resultRows([bare, off, bareSigned, on, onMemory]),
    '',
    `- Verification off: **${percent(offVsBare.median)}** of the bare server, the median of the rounds' ratios (${offVsBare.rounds.map(percent).join(', ')}; target ≥ 85 %).`,
    `- Verification on, against the bare server given the same signed requests: **${percent(on.requestsPerSecond / bareSigned.requestsPerSecond)}**.`,
    `- Verification on, nonces kept durably (\`replayProtection: store\`) against remembered in memory only: **${percent(durable.median)}**, the median of the rounds' ratios (${durable.rounds.map(percent).join(', ')}; target ≥ 90 %).`,
    '',
    'The load generator shares the machine with the servers (and signs every request of the last two',
    'rows), so compare rows within the run; single rounds swing widely on a shared machine, the median',
    "of the rounds' ratios is the figure.",
  ].join('\n');
}

async function main(): Promise<void> {
  const started = new Date();
  const machine = describeMachine();
  const off = await startKeyFence(false);
  const on = await startKeyFence(true, 'store');
  const onMemory = await startKeyFence(true, 'memory');
  const unsigned = identifyingCheck(off.root);
  // The bare server answers with the same headers (same values, same bytes) as KeyFence.
  const bare = await startBareServer(200, '', await identityHeadersOf(off.api, unsigned));
  const pinning = pinLoadGeneratorAndServers([bare.pid, off.pid, on.pid, onMemory.pid]);
  let runs: Measured[];
  try {
    const signed = signedCheck(on.root);
    runs = [
      ...(await measureInterleaved(
        [
          {
            name: 'bare node:http, 200, same headers',
            url: bare.url,
            request: unsigned,
            expectStatus: 200,
            cpuPids: [bare.pid],
          },
          {
            name: 'KeyFence /forward-auth, verification off',
            url: off.api,
            request: unsigned,
            expectStatus: 200,
            cpuPids: [off.pid],
          },
        ],
        settings,
      )),
      ...(await measureInterleaved(
        [
          {
            name: 'bare node:http, 200, same headers, signed requests',
            url: bare.url,
            request: signed,
            expectStatus: 200,
            cpuPids: [bare.pid],
          },
          {
            name: 'KeyFence /forward-auth, verification on, replayProtection: store',
            url: on.api,
            request: signed,
            expectStatus: 200,
            cpuPids: [on.pid],
          },
          {
            name: 'KeyFence /forward-auth, verification on, replayProtection: memory',
            url: onMemory.api,
            request: signedCheck(onMemory.root),
            expectStatus: 200,
            cpuPids: [onMemory.pid],
          },
        ],
        SIGNED_SETTINGS,
      )),
    ];
  } finally {
    bare.stop();
    await off.stop();
    await on.stop();
    await onMemory.stop();
  }
  const summary = {
    bare_rps: Math.round(runs[0]!.requestsPerSecond),
    off_rps: Math.round(runs[1]!.requestsPerSecond),
    off_vs_bare: Number(pairedRatios(runs[1]!, runs[0]!).median.toFixed(3)),
    bare_signed_rps: Math.round(runs[2]!.requestsPerSecond),
    on_rps: Math.round(runs[3]!.requestsPerSecond),
    on_vs_bare_signed: Number((runs[3]!.requestsPerSecond / runs[2]!.requestsPerSecond).toFixed(3)),
    on_memory_rps: Math.round(runs[4]!.requestsPerSecond),
    store_vs_memory: Number(pairedRatios(runs[3]!, runs[4]!).median.toFixed(3)),
    ...loadShape(settings, pinning),
  };
  publishResult({
    start: START,
    end: END,
    full: FULL,
    settings: 'duration/connections/rounds',
    markdown: () => markdown(runs, machine, pinning, started),
    summary,
  });
}

await main();
