/**
 * `npm run bench:baseline`: this checkout's KeyFence against another build of KeyFence (an
 * earlier commit, say), on the same machine in the same run, so that a change can be shown not to
 * slow the request path. Both run as `keyfence serve --config` on fresh SQLite stores, audit on,
 * under an Active account-level policy that allows the client, and take what nginx's
 * `auth_request` sends:
 *   1. /forward-auth with signature verification off (the key identified by its AccessKeyId);
 *   2. /forward-auth with verification on (ACS3-signed, fresh nonce each, `replayProtection: store`).
 * Each pair alternates round by round (bench/load.ts); the figure is the median of the rounds'
 * ratios. The load generator runs on CPU 0 and the servers on the others (bench/cpu-pinning.ts).
 *
 *   BASELINE_ROOT=/path/to/other/checkout npm run bench:baseline
 *
 * The other checkout must be built (`npm ci && npm run build` there; `git worktree add DIR COMMIT`
 * makes one). BASELINE_NAME names it in the report (default: its commit).
 * BASELINE_BENCH_SECONDS=1 BASELINE_BENCH_ROUNDS=1 for a quick run (docs/benchmarks.md is then not written).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describePinning, type Pinning, pinLoadGeneratorAndServers } from './cpu-pinning.js';
import { publishResult, sectionHead } from './docs-section.js';
import { identifyingCheck, signedCheck } from './forward-auth-checks.js';
import { allowBenchClients, type BenchKeyFence, startBenchKeyFence } from './forward-auth-process.js';
import {
  type LoadRequest,
  type LoadSettings,
  loadSettingsFromEnv,
  loadShape,
  type Measured,
  measureInterleaved,
  measureMethod,
  pairedRatios,
  resultRows,
} from './load.js';
import { describeMachine, type Machine } from './machine.js';

const { settings, full: FULL } = loadSettingsFromEnv('BASELINE_BENCH', {
  rounds: 20,
  seconds: 2,
  warmupSeconds: 0.5,
});
// Signed checks keep every nonce for the signature window, and KeyFence refuses new ones beyond
// 1,000,000 per key (src/auth/replay-guard.ts): ten rounds at ~25,000 checks/s stay below it.
const SIGNED_SETTINGS: LoadSettings = FULL ? { ...settings, rounds: 10 } : settings;
const START =
  '<!-- baseline-bench:start (written by bench/baseline.bench.ts; edits here are overwritten) -->';
const END = '<!-- baseline-bench:end -->';
const HERE = fileURLToPath(new URL('..', import.meta.url));

interface Build {
  readonly root: string;
  readonly name: string;
}

function commitOf(root: string): string {
  try {
    return execFileSync('git', ['-C', root, 'log', '-1', '--format=%h (%cs)'], { encoding: 'utf8' }).trim();
  } catch {
    return root;
  }
}

function baselineBuild(): Build {
  const root = process.env.BASELINE_ROOT;
  if (root === undefined || root === '') {
    throw new Error('BASELINE_ROOT must name the other checkout (built with `npm run build` there)');
  }
  if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
    throw new Error(`${root} is not built: run \`npm ci && npm run build\` there first`);
  }
  return { root: resolve(root), name: process.env.BASELINE_NAME ?? commitOf(root) };
}

async function started(build: Build, verifySignature: boolean): Promise<BenchKeyFence> {
  const kf = await startBenchKeyFence({ verifySignature, root: build.root });
  await allowBenchClients(kf);
  return kf;
}

/** The baseline's and this checkout's KeyFence, alternating round by round under `request`. */
async function pair(
  what: string,
  servers: readonly [BenchKeyFence, BenchKeyFence],
  request: (kf: BenchKeyFence) => LoadRequest,
  load: LoadSettings,
): Promise<[Measured, Measured]> {
  const [base, head] = servers;
  const [baseRun, headRun] = await measureInterleaved(
    [
      {
        name: `baseline, ${what}`,
        url: base.api,
        request: request(base),
        expectStatus: 200,
        cpuPids: [base.pid],
      },
      {
        name: `this checkout, ${what}`,
        url: head.api,
        request: request(head),
        expectStatus: 200,
        cpuPids: [head.pid],
      },
    ],
    load,
  );
  return [baseRun!, headRun!];
}

const percent = (ratio: number) => `${(ratio * 100).toFixed(0)} %`;

function verdict(label: string, head: Measured, base: Measured): string {
  const ratio = pairedRatios(head, base);
  return `- ${label}: this checkout at **${percent(ratio.median)}** of the baseline, the median of the rounds' ratios (${ratio.rounds.map(percent).join(', ')}).`;
}

function markdown(
  runs: { off: [Measured, Measured]; on: [Measured, Measured] },
  builds: { base: Build; head: Build },
  machine: Machine,
  pinning: Pinning,
  startedAt: Date,
): string {
  return [
    ...sectionHead({
      title: 'This checkout against a baseline build',
      script: 'bench:baseline',
      runs: 'npm run build && node --import tsx bench/baseline.bench.ts (with BASELINE_ROOT set)',
      machine,
      started: startedAt,
    }),
    `Baseline: \`${builds.base.name}\`; this checkout: \`${builds.head.name}\`.`,
    '',
    ...measureMethod(settings),
    `run; the signed pair in ${SIGNED_SETTINGS.rounds} rounds. Both are \`keyfence serve --config\` on a fresh SQLite store, audit`,
    "events written, deciding what nginx's `auth_request` sends (GET `/forward-auth`, X-Original-Method/-URI,",
    'X-Forwarded-For) under an Active account-level policy that allows the client; 200 with identity headers.',
    describePinning(pinning),
    'Server CPU per request: user and system time of the server process (every thread), read from',
    '/proc over each full-speed run, over the requests answered.',
    '',
    ...resultRows([...runs.off, ...runs.on]),
    '',
    verdict('/forward-auth, verification off', runs.off[1], runs.off[0]),
    verdict('/forward-auth, verification on (signed, nonces kept durably)', runs.on[1], runs.on[0]),
    '',
    "Single rounds swing on a shared machine; the median of the paired rounds' ratios is the figure.",
  ].join('\n');
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const machine = describeMachine();
  const base = baselineBuild();
  const head: Build = { root: HERE, name: commitOf(HERE) };
  const servers = {
    off: [await started(base, false), await started(head, false)] as const,
    on: [await started(base, true), await started(head, true)] as const,
  };
  const all = [...servers.off, ...servers.on];
  const pinning = pinLoadGeneratorAndServers(all.map((kf) => kf.pid));
  let runs: { off: [Measured, Measured]; on: [Measured, Measured] };
  try {
    runs = {
      off: await pair(
        '/forward-auth, verification off',
        servers.off,
        (kf) => identifyingCheck(kf.root),
        settings,
      ),
      on: await pair(
        '/forward-auth, verification on',
        servers.on,
        (kf) => signedCheck(kf.root),
        SIGNED_SETTINGS,
      ),
    };
  } finally {
    for (const kf of all) await kf.stop();
  }
  const summary = {
    baseline: base.name,
    head: head.name,
    off_vs_baseline: Number(pairedRatios(runs.off[1], runs.off[0]).median.toFixed(3)),
    on_vs_baseline: Number(pairedRatios(runs.on[1], runs.on[0]).median.toFixed(3)),
    off_rps: [Math.round(runs.off[0].requestsPerSecond), Math.round(runs.off[1].requestsPerSecond)],
    on_rps: [Math.round(runs.on[0].requestsPerSecond), Math.round(runs.on[1].requestsPerSecond)],
    ...loadShape(settings, pinning),
  };
  publishResult({
    start: START,
    end: END,
    full: FULL,
    settings: 'duration/connections/rounds',
    markdown: () => markdown(runs, { base, head }, machine, pinning, startedAt),
    summary,
  });
}

await main();
