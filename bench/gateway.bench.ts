/**
 * Gateway throughput: requests/s and latency of
 *   1. an upstream service (bare node:http answering Alibaba-shaped JSON), called directly;
 *   2. the same upstream behind KeyFence's gateway listener: every request's ACS3 signature
 *      verified, the network ACL decided under an Active account-level policy that allows the
 *      client, the audit record queued, the request proxied over kept-alive connections;
 *   3. the same upstream behind nginx (Debian's package, one worker, `proxy_pass` with upstream
 *      keep-alive): what a plain reverse proxy costs.
 * Every request is an ACS3-signed GET, signed as it is sent (fresh nonce) for all three targets,
 * so the load generator's work is the same. Loopback only, autocannon, all in the same run; each
 * target also at half its maximum rate for p50/p99 under load. The load generator runs on CPU 0,
 * the upstream and the proxies on the others (bench/cpu-pinning.ts; BENCH_NO_PINNING=1 to not).
 *
 *   npm run bench:gateway      (GATEWAY_BENCH_SECONDS=3 for a quick run; docs/benchmarks.md is then not written)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from '../test/integration/support/binaries.js';
import { freePort, type Started, startListening } from '../test/integration/support/processes.js';
import { describePinning, type Pinning, pinLoadGeneratorAndServers } from './cpu-pinning.js';
import { publishResult, sectionHead } from './docs-section.js';
import { allowBenchClients, describeRegions, startBenchKeyFence } from './forward-auth-process.js';
import {
  cpuOf,
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
import { type Credentials, signedLoadRequest } from './signed-headers.js';

const { settings, full: FULL } = loadSettingsFromEnv('GATEWAY_BENCH');
const START = '<!-- gateway-bench:start (written by bench/gateway.bench.ts; edits here are overwritten) -->';
const END = '<!-- gateway-bench:end -->';
const UPSTREAM_BODY = JSON.stringify({
  RequestId: '5E0B1C0A-8B5C-4C5E-9D5A-3B8C1E2F4A6D',
  Regions: { Region: [{ RegionId: 'cn-hangzhou', LocalName: 'China (Hangzhou)' }] },
});

/** An ACS3-signed DescribeRegions, signed as it is sent. */
function signedCall(root: Credentials): LoadRequest {
  return signedLoadRequest('/?RegionId=cn-hangzhou', describeRegions(root), {
    'user-agent': 'keyfence-bench',
  });
}

/** nginx proxying to the upstream, one worker, kept-alive upstream connections. */
async function startNginxProxy(
  nginx: string,
  upstreamPort: number,
): Promise<{ url: string; pids: number[]; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'keyfence-bench-nginx-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log warn;`,
      'worker_processes 1;',
      'events { worker_connections 1024; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};`),
      `  upstream service { server 127.0.0.1:${upstreamPort}; keepalive 64; }`,
      '  server {',
      `    listen 127.0.0.1:${port};`,
      '    location / {',
      '      proxy_pass http://service;',
      '      proxy_http_version 1.1;',
      '      proxy_set_header Connection "";',
      '      proxy_set_header Host $http_host;',
      '      proxy_set_header X-Forwarded-For $remote_addr;',
      '    }',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  const started: Started = await startListening(
    'nginx',
    nginx,
    ['-c', join(dir, 'nginx.conf'), '-p', dir, '-e', `${dir}/error.log`, '-g', 'daemon off;'],
    port,
  );
  const master = started.child.pid!;
  return {
    url: `http://127.0.0.1:${port}`,
    pids: [master, ...(await childrenOf(master))],
    stop: async () => {
      await started.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The processes `pid` has started (nginx's worker), waiting up to 2 s for the first. */
async function childrenOf(pid: number): Promise<number[]> {
  const deadline = Date.now() + 2000;
  for (;;) {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number);
    if (children.length > 0 || Date.now() > deadline) return children;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const times = (ratio: number) => `${ratio.toFixed(2)}×`;

/** The figures the goals are stated in: the gateway against the upstream, its p99 at half load against nginx's. */
function verdict(gateway: Measured, direct: Measured, nginx: Measured | undefined): string[] {
  const paired = pairedRatios(gateway, direct);
  return [
    `- Gateway against the upstream called directly: **${times(paired.median)}**, the median of the rounds' ratios (${paired.rounds.map(times).join(', ')}; goal ≥ 0.8×).`,
    ...(gateway.cpuMicrosPerRequest === undefined || direct.cpuMicrosPerRequest === undefined
      ? []
      : [
          `- Server CPU per request: ${gateway.cpuMicrosPerRequest.toFixed(0)} µs through the gateway against ${direct.cpuMicrosPerRequest.toFixed(0)} µs for the upstream alone${nginx?.cpuMicrosPerRequest === undefined ? '' : ` and ${nginx.cpuMicrosPerRequest.toFixed(0)} µs through nginx`}.`,
        ]),
    ...(nginx === undefined
      ? []
      : [
          `- p99 at half load: gateway ${gateway.halfP99Ms} ms, nginx ${nginx.halfP99Ms} ms: **${times(gateway.halfP99Ms / Math.max(1, nginx.halfP99Ms))}** nginx's (goal ≤ 2×).`,
        ]),
  ];
}

function markdown(runs: readonly Measured[], machine: Machine, pinning: Pinning, started: Date): string {
  const [direct, gateway, nginx] = runs as [Measured, Measured, Measured | undefined];
  return [
    ...sectionHead({
      title: 'Gateway',
      script: 'bench:gateway',
      runs: 'npm run build && node --import tsx bench/gateway.bench.ts',
      machine,
      started,
    }),
    ...measureMethod(settings),
    'run. Every request is an ACS3-signed GET signed as it is sent (for every target alike); the upstream',
    'is a bare node:http process answering Alibaba-shaped JSON. KeyFence (`keyfence serve --config`, fresh SQLite',
    'store, audit events written) verifies each signature, decides under an Active account-level policy',
    'that allows the client, and proxies over kept-alive connections; nginx (one worker, upstream',
    'keep-alive) only proxies.',
    describePinning(pinning),
    'Server CPU per request: user and system time of every process on the server CPU that the request',
    'passes (the upstream included), read from /proc over each full-speed run, over the requests answered.',
    '',
    ...resultRows(nginx === undefined ? [direct, gateway] : [direct, gateway, nginx]),
    ...(nginx === undefined ? ['', 'nginx was not installed: its row is missing.'] : []),
    '',
    ...verdict(gateway, direct, nginx),
    '',
    'The load generator shares the machine with the servers and signs every request, so compare rows',
    'within the run.',
  ].join('\n');
}

async function main(): Promise<void> {
  const started = new Date();
  const machine = describeMachine();
  const upstream = await startBareServer(200, UPSTREAM_BODY);
  const kf = await startBenchKeyFence({ verifySignature: true, upstream: upstream.url });
  const nginxBinary = findBinary('nginx');
  const nginx = nginxBinary === undefined ? undefined : await startNginxProxy(nginxBinary, upstream.port);
  // The upstream shares its CPU with the proxy in front of it, as it would on one host.
  const pinning = pinLoadGeneratorAndServers([upstream.pid, kf.pid, ...(nginx?.pids ?? [])]);
  const runs: Measured[] = [];
  try {
    await allowBenchClients(kf);
    const request = signedCall(kf.root);
    if (nginx === undefined) console.log('nginx is not installed: its row is skipped');
    runs.push(
      ...(await measureInterleaved(
        [
          {
            name: 'upstream called directly',
            url: upstream.url,
            request,
            expectStatus: 200,
            cpuPids: [upstream.pid],
          },
          {
            name: 'KeyFence gateway → upstream',
            url: kf.gateway!,
            request,
            expectStatus: 200,
            cpuPids: [kf.pid, upstream.pid],
          },
          ...(nginx === undefined
            ? []
            : [
                {
                  name: 'nginx proxy_pass → upstream',
                  url: nginx.url,
                  request,
                  expectStatus: 200,
                  cpuPids: [...nginx.pids, upstream.pid],
                },
              ]),
        ],
        settings,
      )),
    );
  } finally {
    await nginx?.stop();
    await kf.stop();
    upstream.stop();
  }
  const summary = {
    direct_rps: Math.round(runs[0]!.requestsPerSecond),
    gateway_rps: Math.round(runs[1]!.requestsPerSecond),
    gateway_vs_direct: Number((runs[1]!.requestsPerSecond / runs[0]!.requestsPerSecond).toFixed(3)),
    gateway_vs_direct_paired: Number(pairedRatios(runs[1]!, runs[0]!).median.toFixed(3)),
    nginx_rps: runs[2] === undefined ? null : Math.round(runs[2].requestsPerSecond),
    direct_cpu_us: cpuOf(runs[0]!),
    gateway_cpu_us: cpuOf(runs[1]!),
    nginx_cpu_us: runs[2] === undefined ? null : cpuOf(runs[2]),
    gateway_half_p50_ms: runs[1]!.halfP50Ms,
    gateway_half_p99_ms: runs[1]!.halfP99Ms,
    nginx_half_p99_ms: runs[2] === undefined ? null : runs[2].halfP99Ms,
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
