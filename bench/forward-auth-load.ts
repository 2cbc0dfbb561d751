/**
 * The load runs of the forward-auth and gateway benchmarks: autocannon against one target at
 * full speed, then again at half the rate it reached (`overallRate`) for the latency a loaded but
 * not saturated server gives; a bare node:http server in a process of its own.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';

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
interface AutocannonResult {
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
}

export interface Measured {
  readonly target: string;
  readonly expectStatus: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** At half of `requestsPerSecond`. */
  readonly halfRate: number;
  readonly halfP50Ms: number;
  readonly halfP99Ms: number;
}

async function run(
  url: string,
  request: LoadRequest,
  settings: LoadSettings,
  duration: number,
  rate?: number,
) {
  return autocannon({
    url,
    connections: settings.connections,
    duration,
    ...(rate === undefined ? {} : { overallRate: rate }),
    requests: [request],
  });
}

function checked(target: string, result: AutocannonResult, expectStatus: number): void {
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]),
  );
  const unexpected = Object.keys(statuses).filter((code) => Number(code) !== expectStatus);
  const errors = result.errors + result.timeouts;
  if (unexpected.length > 0 || errors > 0) {
    throw new Error(
      `${target}: expected only HTTP ${expectStatus}, got ${JSON.stringify(statuses)}, ${errors} errors`,
    );
  }
}

/** Full speed (after a warm-up), then half of that rate; every answer must be `expectStatus`. */
export async function measure(
  target: string,
  url: string,
  request: LoadRequest,
  expectStatus: number,
  settings: LoadSettings,
): Promise<Measured> {
  await run(url, request, settings, settings.warmupSeconds);
  const full = await run(url, request, settings, settings.seconds);
  checked(target, full, expectStatus);
  const halfRate = Math.max(1, Math.round(full.requests.average / 2));
  const half = await run(url, request, settings, settings.seconds, halfRate);
  checked(`${target} at half rate`, half, expectStatus);
  const measured: Measured = {
    target,
    expectStatus,
    requestsPerSecond: full.requests.average,
    p50Ms: full.latency.p50,
    p99Ms: full.latency.p99,
    halfRate,
    halfP50Ms: half.latency.p50,
    halfP99Ms: half.latency.p99,
  };
  console.log(
    `${target}: ${Math.round(measured.requestsPerSecond)} req/s (p50 ${measured.p50Ms} ms, p99 ${measured.p99Ms} ms); ` +
      `at ${halfRate} req/s: p50 ${measured.halfP50Ms} ms, p99 ${measured.halfP99Ms} ms`,
  );
  return measured;
}

/** The rows of a results table, ratios against the first (the baseline). */
export function resultRows(runs: readonly Measured[]): string[] {
  const base = runs[0]!.requestsPerSecond;
  return [
    '| target | requests/s (mean) | vs first row | p50 / p99 at max (ms) | load at 50 % (req/s) | p50 / p99 at 50 % (ms) |',
    '|---|---|---|---|---|---|',
    ...runs.map(
      (r) =>
        `| ${r.target} | ${Math.round(r.requestsPerSecond).toLocaleString('en-US')} | ${(r.requestsPerSecond / base).toFixed(2)}× | ` +
        `${r.p50Ms} / ${r.p99Ms} | ${r.halfRate.toLocaleString('en-US')} | ${r.halfP50Ms} / ${r.halfP99Ms} |`,
    ),
  ];
}

export interface BareServer {
  readonly url: string;
  readonly port: number;
  stop(): void;
}

/**
 * node:http on 127.0.0.1 in its own process: `status` with `headers` and `body` (empty:
 * `content-length: 0`), the floor of any Node server. Given the headers a target answers with,
 * it puts the same bytes on the wire, so the load generator's work is the same for both. It
 * drains request bodies before answering.
 */
export async function startBareServer(
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
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, BARE_BODY: body, BARE_HEADERS: JSON.stringify(headers) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the bare server exited with ${code}`)));
    child.stdout!.once('data', (chunk: Buffer) =>
      resolve((JSON.parse(chunk.toString()) as { port: number }).port),
    );
  });
  return { url: `http://127.0.0.1:${port}`, port, stop: () => child.kill('SIGTERM') };
}
