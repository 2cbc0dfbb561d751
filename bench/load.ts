/**
 * The load runs of the HTTP benchmarks (server, forward-auth, gateway): autocannon against one
 * target at full speed after a warm-up, for the forward-auth and gateway benchmarks then again at
 * half the rate it reached (`overallRate`) for the latency a loaded but not saturated server
 * gives; bare node:http servers in processes of their own, the floor of any Node server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Pinning } from './cpu-pinning.js';
import { cpuSecondsOf } from './process-cpu.js';

// autocannon ships no types: the part of its API used here.
export interface LoadRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  setupRequest?: (request: LoadRequest) => LoadRequest;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  overallRate?: number;
  requests: LoadRequest[];
}
interface Histogram {
  readonly average: number;
  readonly p50: number;
  readonly p99: number;
  readonly total: number;
}
export interface AutocannonResult {
  readonly requests: Histogram;
  readonly latency: Histogram;
  readonly errors: number;
  readonly timeouts: number;
  readonly statusCodeStats: Record<string, { count: number }>;
}
type Autocannon = (options: AutocannonOptions) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface LoadSettings {
  readonly connections: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** Full-speed runs per target in `measureInterleaved`, alternating between the targets. */
  readonly rounds: number;
}

/** What a bench runs unless its environment says otherwise. */
export interface LoadDefaults {
  readonly rounds: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
}

const LOAD_DEFAULTS: LoadDefaults = { rounds: 3, seconds: 10, warmupSeconds: 2 };

/**
 * A bench's load from `<PREFIX>_SECONDS`, `<PREFIX>_CONNECTIONS` and `<PREFIX>_ROUNDS`: 50
 * connections and the bench's defaults (3 rounds of 10 s, each after a 2 s warm-up, unless it
 * names others); `full` when the defaults are in force, the only run whose numbers go to
 * docs/benchmarks.md.
 */
export function loadSettingsFromEnv(
  prefix: string,
  defaults: Partial<LoadDefaults> = {},
): { settings: LoadSettings; full: boolean } {
  const own = { ...LOAD_DEFAULTS, ...defaults };
  const seconds = Number(process.env[`${prefix}_SECONDS`] ?? own.seconds);
  const connections = Number(process.env[`${prefix}_CONNECTIONS`] ?? 50);
  const rounds = Number(process.env[`${prefix}_ROUNDS`] ?? own.rounds);
  return {
    settings: { connections, seconds, warmupSeconds: own.warmupSeconds, rounds },
    full: seconds === own.seconds && connections === 50 && rounds === own.rounds,
  };
}

export interface Measured {
  readonly target: string;
  readonly expectStatus: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Requests/s of every full-speed run (one per round); `requestsPerSecond` is their median. */
  readonly roundsRps: readonly number[];
  /**
   * CPU µs per request of the target's `cpuPids` (every server on the path, measured from /proc
   * over each full-speed run), the median of the rounds; undefined when not measured.
   */
  readonly cpuMicrosPerRequest: number | undefined;
  /** At half of `requestsPerSecond`. */
  readonly halfRate: number;
  readonly halfP50Ms: number;
  readonly halfP99Ms: number;
}

function run(url: string, request: LoadRequest, settings: LoadSettings, duration: number, rate?: number) {
  return autocannon({
    url,
    connections: settings.connections,
    duration,
    ...(rate === undefined ? {} : { overallRate: rate }),
    requests: [request],
  });
}

/**
 * `settings.seconds` at full speed, after `settings.warmupSeconds` of the same load; with
 * `cpuPids`, their CPU µs per request over the run is pushed onto `cpuOut`.
 */
export async function atFullSpeed(
  url: string,
  request: LoadRequest,
  settings: LoadSettings,
  cpuPids?: readonly number[],
  cpuOut?: number[],
): Promise<AutocannonResult> {
  await run(url, request, settings, settings.warmupSeconds);
  const before = cpuPids === undefined ? undefined : cpuSecondsOf(cpuPids);
  const result = await run(url, request, settings, settings.seconds);
  const after = cpuPids === undefined ? undefined : cpuSecondsOf(cpuPids);
  if (before !== undefined && after !== undefined && result.requests.total > 0) {
    cpuOut?.push(((after - before) * 1e6) / result.requests.total);
  }
  return result;
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** How many answers had each HTTP status. */
export function statusCounts(result: AutocannonResult): Record<string, number> {
  return Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
}

/** Throws unless every answer was `expectStatus` and no request failed or timed out. */
export function expectOnly(target: string, result: AutocannonResult, expectStatus: number): void {
  const statuses = statusCounts(result);
  const unexpected = Object.keys(statuses).filter((code) => Number(code) !== expectStatus);
  const errors = result.errors + result.timeouts;
  if (unexpected.length > 0 || errors > 0) {
    throw new Error(
      `${target}: expected only HTTP ${expectStatus}, got ${JSON.stringify(statuses)}, ${errors} errors`,
    );
  }
}

/** One target of `measureInterleaved`. */
export interface LoadTarget {
  readonly name: string;
  readonly url: string;
  readonly request: LoadRequest;
  /** Every answer must have this status. */
  readonly expectStatus: number;
  /** The server processes on the path, whose CPU per request is measured (bench/process-cpu.ts). */
  readonly cpuPids?: readonly number[];
}

/**
 * Every target at full speed (each run after its own warm-up) in `settings.rounds` rounds, the
 * targets alternating within each round and the order reversed every other round (A B, B A, A B
 * …), so that whatever else the machine does at some moment weighs on all of them alike; a
 * target's result is its median round. Then each at
 * half its median rate, for the latency of a loaded but not saturated server.
 */
export async function measureInterleaved(
  targets: readonly LoadTarget[],
  settings: LoadSettings,
): Promise<Measured[]> {
  const rounds: AutocannonResult[][] = targets.map(() => []);
  const cpu: number[][] = targets.map(() => []);
  for (let round = 0; round < settings.rounds; round++) {
    // Every other round in reverse order (A B, B A, …): a target that always ran first (or just
    // after another) would carry whatever that position does to the machine into every round.
    const order = [...targets.keys()];
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      const target = targets[i]!;
      const full = await atFullSpeed(target.url, target.request, settings, target.cpuPids, cpu[i]!);
      expectOnly(target.name, full, target.expectStatus);
      rounds[i]!.push(full);
      const used = cpu[i]!.at(-1);
      console.log(
        `round ${round + 1}, ${target.name}: ${Math.round(full.requests.average)} req/s` +
          (used === undefined ? '' : `, ${used.toFixed(1)} µs CPU per request`),
      );
    }
  }
  const measured: Measured[] = [];
  for (const [i, target] of targets.entries()) {
    const byRate = [...rounds[i]!].sort((a, b) => a.requests.average - b.requests.average);
    const median = byRate[Math.floor((byRate.length - 1) / 2)]!;
    const halfRate = Math.max(1, Math.round(median.requests.average / 2));
    const half = await run(target.url, target.request, settings, settings.seconds, halfRate);
    expectOnly(`${target.name} at half rate`, half, target.expectStatus);
    const result: Measured = {
      target: target.name,
      expectStatus: target.expectStatus,
      requestsPerSecond: median.requests.average,
      p50Ms: median.latency.p50,
      p99Ms: median.latency.p99,
      roundsRps: rounds[i]!.map((r) => r.requests.average),
      cpuMicrosPerRequest: cpu[i]!.length === 0 ? undefined : medianOf(cpu[i]!),
      halfRate,
      halfP50Ms: half.latency.p50,
      halfP99Ms: half.latency.p99,
    };
    console.log(
      `${target.name}: median ${Math.round(result.requestsPerSecond)} req/s of ${result.roundsRps.map(Math.round).join(', ')} ` +
        `(p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms); at ${halfRate} req/s: p50 ${result.halfP50Ms} ms, p99 ${result.halfP99Ms} ms`,
    );
    measured.push(result);
  }
  return measured;
}

/**
 * The first two lines of a results section's method paragraph, saying how `measure` loaded each
 * target; the paragraph goes on (with "run.") in the bench's own words.
 */
export function measureMethod(settings: LoadSettings): [string, string] {
  return [
    `autocannon, ${settings.connections} connections; ${settings.rounds} rounds of ${settings.seconds} s per target (each after a ${settings.warmupSeconds} s warm-up), the targets alternating within each round (the order reversed every other round), the median round reported;`,
    `then ${settings.seconds} s at half that rate (\`overallRate\`) for latency under load; loopback only, all targets in the same`,
  ];
}

/** Each round's requests/s of `target` over those of `base` (paired by round), and their median. */
export function pairedRatios(
  target: Measured,
  base: Measured,
): { readonly rounds: number[]; readonly median: number } {
  const rounds = target.roundsRps.map((rps, i) => rps / base.roundsRps[i]!);
  const sorted = [...rounds].sort((a, b) => a - b);
  return { rounds, median: sorted[Math.floor((sorted.length - 1) / 2)]! };
}

/** The end of a load bench's summary line: the load it ran and whether it was pinned. */
export function loadShape(settings: LoadSettings, pinning: Pinning) {
  return {
    connections: settings.connections,
    seconds: settings.seconds,
    rounds: settings.rounds,
    pinned: pinning.pinned,
  };
}

/** A summary line's figure: the target's CPU µs per request, rounded, or null when not measured. */
export function cpuOf(run: Measured): number | null {
  return run.cpuMicrosPerRequest === undefined ? null : Math.round(run.cpuMicrosPerRequest);
}

/** The rows of a results table, ratios against the first (the baseline). */
export function resultRows(runs: readonly Measured[]): string[] {
  const base = runs[0]!.requestsPerSecond;
  // The CPU column only where a bench measured it.
  const cpu = runs.some((r) => r.cpuMicrosPerRequest !== undefined);
  const cpuCell = (r: Measured) =>
    cpu ? ` ${r.cpuMicrosPerRequest === undefined ? '—' : r.cpuMicrosPerRequest.toFixed(0)} |` : '';
  return [
    `| target | requests/s (median round) | rounds (requests/s) | vs first row | p50 / p99 at max (ms) | load at 50 % (req/s) | p50 / p99 at 50 % (ms) |${cpu ? ' server CPU per request (µs) |' : ''}`,
    `|---|---|---|---|---|---|---|${cpu ? '---|' : ''}`,
    ...runs.map(
      (r) =>
        `| ${r.target} | ${Math.round(r.requestsPerSecond).toLocaleString('en-US')} | ${r.roundsRps.map((rps) => Math.round(rps).toLocaleString('en-US')).join(' · ')} | ${(r.requestsPerSecond / base).toFixed(2)}× | ` +
        `${r.p50Ms} / ${r.p99Ms} | ${r.halfRate.toLocaleString('en-US')} | ${r.halfP50Ms} / ${r.halfP99Ms} |${cpuCell(r)}`,
    ),
  ];
}

export interface BareServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  stop(): void;
}

/**
 * node:http on 127.0.0.1 in its own process: `status` with `headers` and `body` (empty:
 * `content-length: 0`). Given the headers a target answers with, it puts the same bytes on the
 * wire, so the load generator's work is the same for both. It drains request bodies before
 * answering.
 */
export function startBareServer(
  status: number,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<BareServer> {
  const script = `
    import { createServer } from 'node:http';
    const body = process.env.BARE_BODY;
    const headers = {
      ...JSON.parse(process.env.BARE_HEADERS),
      ...(body === ''
        ? { 'content-length': '0' }
        : { 'content-type': 'application/json;charset=utf-8', 'content-length': Buffer.byteLength(body) }),
    };
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => { res.writeHead(${status}, headers); res.end(body); });
    });
    server.listen(0, '127.0.0.1', () => console.log(JSON.stringify(server.address())));
    process.on('SIGTERM', () => server.close(() => process.exit(0)));
  `;
  return spawnBareServer(script, { BARE_BODY: body, BARE_HEADERS: JSON.stringify(headers) });
}

/**
 * node:http on 127.0.0.1 in its own process answering 200 with `body` and a fresh RequestId (in
 * the body and `x-acs-request-id`), as KeyFence's API answers, without reading the request.
 */
export function startBareApiServer(body: Readonly<Record<string, unknown>>): Promise<BareServer> {
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
  return spawnBareServer(script, { BARE_BODY: JSON.stringify(body) });
}

/** Runs `script` (an ES module printing its server's address once listening) and waits for the port. */
async function spawnBareServer(script: string, env: Readonly<Record<string, string>>): Promise<BareServer> {
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the bare server exited with ${code}`)));
    child.stdout!.once('data', (chunk: Buffer) =>
      resolve((JSON.parse(chunk.toString()) as { port: number }).port),
    );
  });
  return { url: `http://127.0.0.1:${port}`, port, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}
