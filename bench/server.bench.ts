/**
 * Server throughput: requests/s and p50/p99 latency of
 *   1. a bare node:http server answering the same JSON as (2), the floor of any Node server;
 *   2. KeyFence answering an allowed, ACS3-signed STS GetCallerIdentity of the root key, with an
 *      Active account-level policy in force that allows 127.0.0.1 (so a real policy match);
 *   3. KeyFence answering a denied call: the root identity's second key, whose key-level policy
 *      does not allow 127.0.0.1 (signature verified, then InvalidAccessKeyId.AccessPolicyDenied,
 *      HTTP 400). Same identity as (2), so the two differ only in the decision.
 *   4. (2) against the same on a second KeyFence with `replayProtection: memory`: signed nonces
 *      claimed in the store (one transaction per batch of calls, docs/auth.md) or only remembered
 *      in memory, in paired rounds alternating between the two; the median of the rounds' ratios.
 * All in the same run, on loopback, with autocannon (50 connections; 8 rounds of 3 s per target,
 * each after a 1 s warm-up, the targets alternating within each round: the machine's speed drifts
 * over minutes, and short paired rounds see the drift alike). KeyFence is the real, built
 * CLI (`keyfence serve` on a fresh SQLite data directory, audit on), as `npm start` runs it, and the
 * bare server a separate Node process too; the load generator runs in this process, pinned to one
 * CPU and the servers to the other (bench/cpu-pinning.ts).
 *
 * Nonces must be unique per request (the server refuses a replay), so every request is signed as
 * it is sent, by autocannon's `setupRequest` with src/auth's signer; the bare server gets the same
 * signed requests, so the client-side cost is the same for all three targets.
 *
 *   npm run bench:server        (SERVER_BENCH_SECONDS=1 or SERVER_BENCH_ROUNDS=1 for a quick run; docs/benchmarks.md is then not written)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Credentials,
  callApi,
  classic,
  createRestrictedKey,
  openApiClient,
  policy,
  VERSIONS,
} from '../test/interop/support/sdk.js';
import { type KeyFenceProcess, startKeyFence } from '../test/support/keyfence-process.js';
import { describePinning, type Pinning, pinLoadGeneratorAndServers } from './cpu-pinning.js';
import { publishResult, sectionHead } from './docs-section.js';
import {
  type BareServer,
  cpuOf,
  type LoadRequest,
  loadSettingsFromEnv,
  loadShape,
  type Measured,
  measureInterleaved,
  measureMethod,
  pairedRatios,
  resultRows,
  startBareApiServer,
} from './load.js';
import { describeMachine, type Machine } from './machine.js';
import { signedLoadRequest } from './signed-headers.js';

const { settings, full: FULL } = loadSettingsFromEnv('SERVER_BENCH', {
  rounds: 8,
  seconds: 3,
  warmupSeconds: 1,
});
const START = '<!-- server-bench:start (written by bench/server.bench.ts; edits here are overwritten) -->';
const END = '<!-- server-bench:end -->';

/** A GetCallerIdentity (POST `/`, no body), signed as it is sent. */
function signedCall(host: string, credentials: Credentials): LoadRequest {
  return signedLoadRequest(
    '/',
    { host, method: 'POST', action: 'GetCallerIdentity', version: VERSIONS.sts, query: [], credentials },
    { accept: 'application/json', 'user-agent': 'keyfence-bench' },
  );
}

/** The allowed call on both KeyFences, nonces claimed in the store against kept in memory only. */
interface Durable {
  readonly store: Measured;
  readonly memory: Measured;
  readonly ratio: { readonly rounds: number[]; readonly median: number };
}

const percent = (ratio: number) => `${(ratio * 100).toFixed(0)} %`;

const times = (ratio: number) => `${ratio.toFixed(2)}×`;

function markdown(
  runs: readonly Measured[],
  durable: Durable,
  machine: Machine,
  pinning: Pinning,
  started: Date,
): string {
  const [bare, allowed, denied] = runs as [Measured, Measured, Measured];
  const against = (row: Measured) => pairedRatios(row, bare);
  return [
    ...sectionHead({
      title: 'API server throughput',
      script: 'bench:server',
      runs: 'npm run build && node --import tsx bench/server.bench.ts',
      machine,
      started,
    }),
    ...measureMethod(settings),
    'run. Every request is an ACS3-HMAC-SHA256-signed STS `GetCallerIdentity` (POST `/`, no body) signed',
    'as it is sent, with its own nonce, in the load generator (this process); the bare server receives',
    'the same requests.',
    describePinning(pinning),
    'Server CPU per request: user and system time of the server process (every thread: the audit',
    "writer's too), read from /proc over each full-speed run, over the requests answered.",
    '',
    '- **bare node:http**: a separate Node process answering the JSON KeyFence answers (a fresh',
    '  `RequestId` each time), without reading the signature: the floor for a Node HTTP server.',
    '- **KeyFence, allowed**: `keyfence serve` (the built CLI, as `npm start` runs it; fresh SQLite',
    '  data directory, audit events written in batches) answering the root key, with an Active',
    '  account-level policy that allows 127.0.0.1: signature check, replay guard, credential lookup,',
    "  network-ACL decision, the action, the audit record, the key's last use.",
    "- **KeyFence, denied**: the root identity's second key (same identity, so the rows differ only",
    '  in the decision), whose Active key-level policy allows only 198.51.100.7: the same up to the',
    '  decision, then HTTP 400 `InvalidAccessKeyId.AccessPolicyDenied` with `AccessDeniedDetail`',
    '  (and its audit record).',
    '',
    ...resultRows(runs),
    '',
    `- Allowed against bare: **${times(against(allowed).median)}**, the median of the rounds' ratios (${against(allowed).rounds.map(times).join(', ')}; goal ≥ 0.8×).`,
    `- Denied against bare: **${times(against(denied).median)}** (${against(denied).rounds.map(times).join(', ')}; goal ≥ 0.8×).`,
    '',
    `Durable replay protection: the allowed call on this KeyFence (\`replayProtection: store\`, the default: every`,
    'nonce claimed in the store, one SQLite transaction per batch of calls) and on a second one with',
    `\`replayProtection: memory\`, ${settings.rounds} paired rounds of ${settings.seconds} s alternating between them:`,
    `${Math.round(durable.store.requestsPerSecond).toLocaleString('en-US')} against ${Math.round(durable.memory.requestsPerSecond).toLocaleString('en-US')} requests/s,`,
    `**${percent(durable.ratio.median)}**, the median of the rounds' ratios (${durable.ratio.rounds.map(percent).join(', ')}; target ≥ 90 %).`,
    '',
    'The load generator signs every request (for every row alike) on its own CPU; the bare row is',
    'bounded by it, the KeyFence rows by the server CPU. Compare the rows with each other.',
  ].join('\n');
}

async function main(): Promise<void> {
  const started = new Date();
  const machine = describeMachine();
  const kf = await startKeyFence({ built: true });
  const memoryDir = mkdtempSync(join(tmpdir(), 'keyfence-bench-memory-'));
  writeFileSync(join(memoryDir, 'keyfence.json'), JSON.stringify({ replayProtection: 'memory' }));
  let kfMemory: KeyFenceProcess | undefined;
  let bare: BareServer | undefined;
  try {
    // The denied key: a second key of the root identity (so that both calls are the same identity's
    // and differ only in the decision), restricted to an address the load generator does not have.
    const root = openApiClient(kf, kf.root);
    const denied = await createRestrictedKey(root, '198.51.100.7');
    // The allowed key decides under an Active account-level policy that matches 127.0.0.1.
    await callApi(root, 'SetAccessKeyPolicyForAccount', VERSIONS.ims, {
      AccessKeyPolicy: policy('Active', classic('203.0.113.0/24', '127.0.0.1', '2001:db8::/32')),
    });
    const sample = await callApi(root, 'GetCallerIdentity', VERSIONS.sts);
    kfMemory = await startKeyFence({ built: true, config: join(memoryDir, 'keyfence.json') });
    await callApi(openApiClient(kfMemory, kfMemory.root), 'SetAccessKeyPolicyForAccount', VERSIONS.ims, {
      AccessKeyPolicy: policy('Active', classic('203.0.113.0/24', '127.0.0.1', '2001:db8::/32')),
    });

    bare = await startBareApiServer(sample.body);
    const pinning = pinLoadGeneratorAndServers([bare.pid, kf.pid, kfMemory.pid]);
    const host = new URL(kf.url).host;
    const runs = await measureInterleaved(
      [
        {
          name: 'bare node:http, same JSON',
          url: bare.url,
          request: signedCall(host, kf.root),
          expectStatus: 200,
          cpuPids: [bare.pid],
        },
        {
          name: 'KeyFence, allowed signed call',
          url: kf.url,
          request: signedCall(host, kf.root),
          expectStatus: 200,
          cpuPids: [kf.pid],
        },
        {
          name: 'KeyFence, denied signed call',
          url: kf.url,
          request: signedCall(host, denied),
          expectStatus: 400,
          cpuPids: [kf.pid],
        },
      ],
      settings,
    );
    const [store, memory] = (await measureInterleaved(
      [
        {
          name: 'KeyFence, allowed signed call, replayProtection: store',
          url: kf.url,
          request: signedCall(host, kf.root),
          expectStatus: 200,
        },
        {
          name: 'KeyFence, allowed signed call, replayProtection: memory',
          url: kfMemory.url,
          request: signedCall(new URL(kfMemory.url).host, kfMemory.root),
          expectStatus: 200,
        },
      ],
      settings,
    )) as [Measured, Measured];
    const durable: Durable = { store, memory, ratio: pairedRatios(store, memory) };

    const summary = {
      bare_rps: Math.round(runs[0]!.requestsPerSecond),
      bare_cpu_us: cpuOf(runs[0]!),
      allowed_cpu_us: cpuOf(runs[1]!),
      denied_cpu_us: cpuOf(runs[2]!),
      allowed_rps: Math.round(runs[1]!.requestsPerSecond),
      allowed_vs_bare: Number(pairedRatios(runs[1]!, runs[0]!).median.toFixed(3)),
      denied_rps: Math.round(runs[2]!.requestsPerSecond),
      denied_vs_bare: Number(pairedRatios(runs[2]!, runs[0]!).median.toFixed(3)),
      store_rps: Math.round(store.requestsPerSecond),
      memory_rps: Math.round(memory.requestsPerSecond),
      store_vs_memory: Number(durable.ratio.median.toFixed(3)),
      ...loadShape(settings, pinning),
    };
    publishResult({
      start: START,
      end: END,
      full: FULL,
      settings: 'duration/connections/rounds',
      markdown: () => markdown(runs, durable, machine, pinning, started),
      summary,
    });
  } finally {
    bare?.stop();
    await kfMemory?.stop();
    rmSync(memoryDir, { recursive: true, force: true });
    const exit = await kf.stop();
    if (exit.code !== 0) console.error(`keyfence serve exited with ${JSON.stringify(exit)}`);
  }
}

await main();
