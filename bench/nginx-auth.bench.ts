/**
 * The end-to-end forward-auth path: requests/s and latency of
 *   1. nginx alone (Debian's package, one worker) proxying to an upstream service (bare node:http
 *      answering Alibaba-shaped JSON) over kept-alive connections;
 *   2. the same nginx with docs/forward-auth.md's configuration, run as documented: every request
 *      first asks KeyFence's /forward-auth (`auth_request`, kept-alive connections to KeyFence),
 *      which verifies its ACS3 signature, decides the network ACL under an Active account-level
 *      policy that allows the client and queues the audit record; then the same upstream.
 * Every request is an ACS3-signed GET, signed as it is sent (fresh nonce), the same for both
 * targets. Loopback only, autocannon, both in the same run, alternating; each also at half its
 * maximum rate for p50/p99 under load. The load generator runs on CPU 0 and nginx, KeyFence and the
 * upstream on the others (bench/cpu-pinning.ts; BENCH_NO_PINNING=1 to compare without).
 *
 *   npm run bench:nginx-auth      (NGINX_AUTH_BENCH_SECONDS=3 NGINX_AUTH_BENCH_ROUNDS=1 for a quick run;
 *                                  docs/benchmarks.md is then not written)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from '../test/integration/support/binaries.js';
import { documentedConfig } from '../test/integration/support/documented-config.js';
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

const { settings, full: FULL } = loadSettingsFromEnv('NGINX_AUTH_BENCH');
const START =
  '<!-- nginx-auth-bench:start (written by bench/nginx-auth.bench.ts; edits here are overwritten) -->';
const END = '<!-- nginx-auth-bench:end -->';
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

/** nginx alone: what a plain reverse proxy with upstream keep-alive costs. */
function proxyOnly(port: number, upstreamPort: number): string {
  return [
    `upstream service { server 127.0.0.1:${upstreamPort}; keepalive 64; }`,
    'server {',
    `  listen 127.0.0.1:${port};`,
    '  location / {',
    '    proxy_pass http://service;',
    '    proxy_http_version 1.1;',
    '    proxy_set_header Connection "";',
    '    proxy_set_header Host $http_host;',
    '    proxy_set_header X-Forwarded-For $remote_addr;',
    '  }',
    '}',
  ].join('\n');
}

interface Nginx {
  readonly url: string;
  /** The master's and its worker's: what is pinned. */
  readonly pids: readonly number[];
  stop(): Promise<void>;
}

/** nginx with one worker and no access log, `http` holding `block`, listening on `port`. */
async function startNginx(binary: string, port: number, block: string): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'keyfence-bench-nginx-'));
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
      block,
      '}',
      '',
    ].join('\n'),
  );
  const started: Started = await startListening(
    'nginx',
    binary,
    ['-c', join(dir, 'nginx.conf'), '-p', dir, '-e', `${dir}/error.log`, '-g', 'daemon off;'],
    port,
  );
  const master = started.child.pid!;
  const workers = readFileSync(`/proc/${master}/task/${master}/children`, 'utf8')
    .split(' ')
    .filter((pid) => pid !== '')
    .map(Number);
  return {
    url: `http://127.0.0.1:${port}`,
    pids: [master, ...workers],
    stop: async () => {
      await started.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const percent = (ratio: number) => `${(ratio * 100).toFixed(0)} %`;

function markdown(runs: readonly Measured[], machine: Machine, pinning: Pinning, started: Date): string {
  const [alone, withAuth] = runs as [Measured, Measured];
  const ratio = pairedRatios(withAuth, alone);
  return [
    ...sectionHead({
      title: 'nginx with forward-auth',
      script: 'bench:nginx-auth',
      runs: 'npm run build && node --import tsx bench/nginx-auth.bench.ts',
      machine,
      started,
    }),
    ...measureMethod(settings),
    'run. Every request is an ACS3-signed GET signed as it is sent (for both targets alike); the upstream is',
    "a bare node:http process answering Alibaba-shaped JSON, behind nginx (Debian's package, one worker,",
    'upstream keep-alive). With forward-auth, nginx runs the configuration of docs/forward-auth.md',
    "(`auth_request` to KeyFence's `/forward-auth` over kept-alive connections, `keepalive` in the",
    '`upstream` block, `proxy_http_version 1.1`, `proxy_set_header Connection ""`); KeyFence',
    '(`keyfence serve --config`, fresh SQLite store, audit events written) verifies each signature, its',
    'nonce kept durably (`replayProtection: store`), and decides under an Active account-level policy',
    'that allows the client.',
    describePinning(pinning),
    'Server CPU per request: user and system time of every process on the server CPU that the request',
    'passes (nginx, KeyFence, the upstream), read from /proc over each full-speed run, over the requests answered.',
    '',
    ...resultRows(runs),
    '',
    `nginx with forward-auth against nginx alone: **${percent(ratio.median)}**, the median of the rounds' ratios (${ratio.rounds.map(percent).join(', ')}; target ≥ 80 %).`,
    '',
    'The load generator shares the machine with the servers and signs every request, so compare rows',
    'within the run.',
  ].join('\n');
}

async function main(): Promise<void> {
  const nginxBinary = findBinary('nginx');
  if (nginxBinary === undefined) {
    console.log('nginx is not installed (Debian: apt-get install nginx-light): nothing to measure');
    return;
  }
  const started = new Date();
  const machine = describeMachine();
  const upstream = await startBareServer(200, UPSTREAM_BODY);
  const kf = await startBenchKeyFence({ verifySignature: true });
  const alonePort = await freePort();
  const alone = await startNginx(nginxBinary, alonePort, proxyOnly(alonePort, upstream.port));
  let withAuth: Nginx | undefined;
  let runs: Measured[];
  let pinning: Pinning;
  try {
    await allowBenchClients(kf);
    const port = await freePort();
    const documented = documentedConfig('nginx', {
      gateway: port,
      keyfence: Number(new URL(kf.api).port),
      service: upstream.port,
    });
    withAuth = await startNginx(nginxBinary, port, documented);
    pinning = pinLoadGeneratorAndServers([upstream.pid, kf.pid, ...alone.pids, ...withAuth.pids]);
    const request = signedCall(kf.root);
    runs = await measureInterleaved(
      [
        {
          name: 'nginx proxy_pass → upstream',
          url: alone.url,
          request,
          expectStatus: 200,
          cpuPids: [...alone.pids, upstream.pid],
        },
        {
          name: 'nginx auth_request → KeyFence /forward-auth, then → upstream',
          url: withAuth.url,
          request,
          expectStatus: 200,
          cpuPids: [...withAuth.pids, kf.pid, upstream.pid],
        },
      ],
      settings,
    );
  } finally {
    await withAuth?.stop();
    await alone.stop();
    await kf.stop();
    upstream.stop();
  }
  const [aloneRun, authRun] = runs as [Measured, Measured];
  const summary = {
    nginx_rps: Math.round(aloneRun.requestsPerSecond),
    nginx_auth_rps: Math.round(authRun.requestsPerSecond),
    nginx_auth_vs_nginx: Number(pairedRatios(authRun, aloneRun).median.toFixed(3)),
    nginx_cpu_us: cpuOf(aloneRun),
    nginx_auth_cpu_us: cpuOf(authRun),
    nginx_half_p99_ms: aloneRun.halfP99Ms,
    nginx_auth_half_p99_ms: authRun.halfP99Ms,
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
