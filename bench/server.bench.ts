/**
 * Server throughput (issue 4 item 9): requests/s and p50/p99 latency of
 *   1. a bare node:http server answering the same JSON as (2), the floor of any Node server;
 *   2. KeyFence answering an allowed, ACS3-signed STS GetCallerIdentity of the root key, with an
 *      Active account-level policy in force that allows 127.0.0.1 (so a real policy match);
 *   3. KeyFence answering a denied call: the root identity's second key, whose key-level policy
 *      does not allow 127.0.0.1 (signature verified, then InvalidAccessKeyId.AccessPolicyDenied,
 *      HTTP 400). Same identity as (2), so the two differ only in the decision.
 * All in the same run, on loopback, with autocannon (50 connections, 10 s each after a 2 s
 * warm-up). KeyFence is the real CLI (`keyfence serve` on a fresh SQLite data directory, audit on)
 * and the bare server a separate Node process too; the load generator runs in this process.
 *
 * Nonces must be unique per request (the server refuses a replay), so every request is signed as
 * it is sent, by autocannon's `setupRequest` with src/auth's signer; the bare server gets the same
 * signed requests, so the client-side cost is the same for all three targets.
 *
 *   npm run bench:server        (SERVER_BENCH_SECONDS=3 for a quick run; docs/benchmarks.md is then not written)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { signAcs3Request } from '../src/auth/acs3-signature.js';
import { startKeyFence } from '../test/interop/support/keyfence-process.js';
import {
  type Credentials,
  callApi,
  classic,
  openApiClient,
  policy,
  VERSIONS,
} from '../test/interop/support/sdk.js';
import { writeDocsSection } from './docs-section.js';
import { describeMachine } from './machine.js';

const SECONDS = Number(process.env.SERVER_BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.SERVER_BENCH_CONNECTIONS ?? 50);
const WARMUP_SECONDS = 2;
const FULL = SECONDS === 10 && CONNECTIONS === 50;
const START = '<!-- server-bench:start (written by bench/server.bench.ts; edits here are overwritten) -->';
const END = '<!-- server-bench:end -->';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

// autocannon ships no types: the part of its API used here.
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  requests: AutocannonRequest[];
}
interface Histogram {
  readonly average: number;
  readonly p50: number;
  readonly p99: number;
  readonly total: number;
}
interface AutocannonResult {
  readonly requests: Histogram;
  readonly latency: Histogram;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly statusCodeStats: Record<string, { count: number }>;
}
type Autocannon = (options: AutocannonOptions) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** The headers of one GetCallerIdentity, signed as openapi-core signs it (spec §6.3), with a fresh nonce. */
function signedHeaders(host: string, credentials: Credentials): Record<string, string> {
  const headers: Record<string, string> = {
    host,
    'x-acs-action': 'GetCallerIdentity',
    'x-acs-version': VERSIONS.sts,
    'x-acs-date': `${new Date().toISOString().slice(0, 19)}Z`,
    'x-acs-signature-nonce': randomBytes(16).toString('hex'),
    'x-acs-content-sha256': EMPTY_SHA256,
    accept: 'application/json',
    'user-agent': 'keyfence-bench',
  };
  const { authorization } = signAcs3Request({
    method: 'POST',
    path: '/',
    query: [],
    headers,
    body: new Uint8Array(0),
    accessKeyId: credentials.accessKeyId,
    secret: credentials.accessKeySecret,
  });
  headers.authorization = authorization;
  return headers;
}

interface Run {
  readonly target: string;
  readonly expectStatus: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly total: number;
  readonly statuses: Record<string, number>;
  readonly errors: number;
}

async function load(
  target: string,
  url: string,
  credentials: Credentials,
  expectStatus: number,
): Promise<Run> {
  const host = new URL(url).host;
  const options = (duration: number): AutocannonOptions => ({
    url,
    connections: CONNECTIONS,
    duration,
    requests: [
      {
        method: 'POST',
        path: '/',
        setupRequest: (request) => ({ ...request, headers: signedHeaders(host, credentials) }),
      },
    ],
  });
  await autocannon(options(WARMUP_SECONDS));
  const result = await autocannon(options(SECONDS));
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]),
  );
  const run: Run = {
    target,
    expectStatus,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    statuses,
    errors: result.errors + result.timeouts,
  };
  console.log(
    `${target}: ${run.requestsPerSecond.toFixed(0)} req/s, p50 ${run.p50Ms} ms, p99 ${run.p99Ms} ms, ` +
      `statuses ${JSON.stringify(statuses)}, errors ${run.errors}`,
  );
  const unexpected = Object.keys(statuses).filter((code) => Number(code) !== expectStatus);
  if (unexpected.length > 0 || run.errors > 0) {
    throw new Error(
      `${target}: expected only HTTP ${expectStatus}, got ${JSON.stringify(statuses)}, ${run.errors} errors`,
    );
  }
  return run;
}

/** node:http on 127.0.0.1, in its own process, answering `body` (with a fresh RequestId) to everything. */
async function startBareServer(body: Record<string, unknown>): Promise<{ url: string; child: ChildProcess }> {
  const script = `
    import { createServer } from 'node:http';
    import { randomUUID } from 'node:crypto';
    const body = JSON.parse(process.env.BARE_BODY);
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const requestId = randomUUID().toUpperCase();
        const text = JSON.stringify({ ...body, RequestId: requestId });
        res.writeHead(200, {
          'content-type': 'application/json;charset=utf-8',
          'content-length': Buffer.byteLength(text),
          'x-acs-request-id': requestId,
        });
        res.end(text);
      });
    });
    server.listen(0, '127.0.0.1', () => console.log(JSON.stringify(server.address())));
    process.on('SIGTERM', () => server.close(() => process.exit(0)));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, BARE_BODY: JSON.stringify(body) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the bare server exited with ${code}`)));
    child.stdout!.once('data', (chunk: Buffer) =>
      resolve((JSON.parse(chunk.toString()) as { port: number }).port),
    );
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

function markdown(runs: readonly Run[], machine: ReturnType<typeof describeMachine>, started: Date): string {
  const bare = runs[0]!;
  const rows = runs.map(
    (r) =>
      `| ${r.target} | ${Math.round(r.requestsPerSecond).toLocaleString('en-US')} | ${(r.requestsPerSecond / bare.requestsPerSecond).toFixed(2)}× | ` +
      `${r.p50Ms} | ${r.p99Ms} | ${r.total.toLocaleString('en-US')} × HTTP ${r.expectStatus} |`,
  );
  return [
    '## API server throughput (`npm run bench:server`)',
    '',
    `Last run: ${started.toISOString().slice(0, 19)}Z. ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB,`,
    `Node.js ${machine.node}; load average at start ${machine.loadAverage}.`,
    '',
    '```sh',
    'npm run bench:server',
    '# = node --import tsx bench/server.bench.ts',
    '```',
    '',
    `autocannon, ${CONNECTIONS} connections, ${SECONDS} s per target after a ${WARMUP_SECONDS} s warm-up, loopback`,
    '(127.0.0.1) only, all three targets in the same run. Every request is an ACS3-HMAC-SHA256-signed',
    'STS `GetCallerIdentity` (POST `/`, no body) signed as it is sent, with its own nonce, in the',
    'load generator (this process); the bare server receives the same requests.',
    '',
    '- **bare node:http**: a separate Node process answering the JSON KeyFence answers (a fresh',
    '  `RequestId` each time), without reading the signature: the floor for a Node HTTP server.',
    '- **KeyFence, allowed**: `keyfence serve` (the real CLI, fresh SQLite data directory, audit',
    '  events written in batches) answering the root key, with an Active account-level policy that',
    '  allows 127.0.0.1: signature check, replay guard, credential lookup, network-ACL decision,',
    "  the action, the audit record, the key's last use.",
    "- **KeyFence, denied**: the root identity's second key (same identity, so the rows differ only",
    '  in the decision), whose Active key-level policy allows only 198.51.100.7: the same up to the',
    '  decision, then HTTP 400 `InvalidAccessKeyId.AccessPolicyDenied` with `AccessDeniedDetail`',
    '  (and its audit record).',
    '',
    '| target | requests/s (mean) | vs bare | p50 latency (ms) | p99 latency (ms) | responses |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    `The machine has ${machine.cores} cores shared by the server process and the load generator (which`,
    'also spends about 12 µs signing each request), so the absolute numbers are low and the bare row is',
    'bounded by the load generator as much as by the server; compare the rows with each other.',
  ].join('\n');
}

async function main(): Promise<void> {
  const started = new Date();
  const machine = describeMachine();
  const kf = await startKeyFence();
  let bare: ChildProcess | undefined;
  try {
    // The denied key: a second key of the root identity (so that both calls are the same identity's
    // and differ only in the decision), restricted to an address the load generator does not have.
    const root = openApiClient(kf, kf.root);
    const created = await callApi(root, 'CreateAccessKey', VERSIONS.ims);
    const key = created.body.AccessKey as { AccessKeyId: string; AccessKeySecret: string };
    const denied: Credentials = { accessKeyId: key.AccessKeyId, accessKeySecret: key.AccessKeySecret };
    await callApi(root, 'SetAccessKeyPolicy', VERSIONS.ims, {
      UserAccessKeyId: denied.accessKeyId,
      AccessKeyPolicy: policy('Active', classic('198.51.100.7')),
    });
    // The allowed key decides under an Active account-level policy that matches 127.0.0.1.
    await callApi(root, 'SetAccessKeyPolicyForAccount', VERSIONS.ims, {
      AccessKeyPolicy: policy('Active', classic('203.0.113.0/24', '127.0.0.1', '2001:db8::/32')),
    });
    const sample = await callApi(root, 'GetCallerIdentity', VERSIONS.sts);

    const bareServer = await startBareServer(sample.body);
    bare = bareServer.child;
    const runs = [
      await load('bare node:http, same JSON', bareServer.url, kf.root, 200),
      await load('KeyFence, allowed signed call', kf.url, kf.root, 200),
      await load('KeyFence, denied signed call', kf.url, denied, 400),
    ];

    const summary = {
      bare_rps: Math.round(runs[0]!.requestsPerSecond),
      bare_p50_ms: runs[0]!.p50Ms,
      bare_p99_ms: runs[0]!.p99Ms,
      allowed_rps: Math.round(runs[1]!.requestsPerSecond),
      allowed_p50_ms: runs[1]!.p50Ms,
      allowed_p99_ms: runs[1]!.p99Ms,
      denied_rps: Math.round(runs[2]!.requestsPerSecond),
      denied_p50_ms: runs[2]!.p50Ms,
      denied_p99_ms: runs[2]!.p99Ms,
      connections: CONNECTIONS,
      seconds: SECONDS,
    };
    if (FULL) {
      writeDocsSection(
        START,
        END,
        `${markdown(runs, machine, started)}\n\nSummary line printed by the run:\n\n\`\`\`json\n${JSON.stringify(summary)}\n\`\`\``,
      );
    } else {
      console.log('(not the default duration/connections: docs/benchmarks.md not written)');
    }
    console.log(JSON.stringify(summary));
  } finally {
    bare?.kill('SIGTERM');
    const exit = await kf.stop();
    if (exit.code !== 0) console.error(`keyfence serve exited with ${JSON.stringify(exit)}`);
  }
}

await main();
