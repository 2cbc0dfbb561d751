/**
 * KeyFence for the forward-auth and gateway benchmarks, in its own process, set up as
 * `keyfence serve` sets itself up (a fresh SQLite data directory, the store audit sink, the real
 * actions) but with the forward-auth and gateway settings a benchmark needs, which the CLI's
 * flags do not carry. Run as a script it serves and prints one JSON line:
 * `{ "api": URL, "gateway": URL | null, "root": { accessKeyId, accessKeySecret } }`; imported, it
 * starts that script as a child process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StoreAuditSink } from '../src/audit/audit-sink.js';
import { initializeStore } from '../src/cli/init-command.js';
import { ACTIONTRAIL_ACTIONS } from '../src/server/actions/actiontrail/index.js';
import { ALL_ACTIONS } from '../src/server/actions/index.js';
import { createServer } from '../src/server/http/keyfence-server.js';
import { TrustedProxies } from '../src/server/source/trusted-proxies.js';
import {
  loadMasterKey,
  MASTER_KEY_FILE_NAME,
  masterKeySource,
  openStore,
  SQLITE_FILE_NAME,
} from '../src/store/index.js';

export interface BenchKeyFenceSettings {
  readonly verifySignature: boolean;
  /** When set, a gateway listener routing every host to this upstream as service `bench`. */
  readonly upstream?: string;
}

export interface BenchKeyFence {
  readonly api: string;
  readonly gateway: string | null;
  readonly root: { readonly accessKeyId: string; readonly accessKeySecret: string };
  stop(): Promise<void>;
}

const SELF = fileURLToPath(import.meta.url);

/** Starts the script below in a child process and waits for its line. */
export async function startBenchKeyFence(settings: BenchKeyFenceSettings): Promise<BenchKeyFence> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SELF], {
    env: { ...process.env, BENCH_KEYFENCE: JSON.stringify(settings) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the benchmark's KeyFence exited with ${code}`)));
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(text.slice(0, text.indexOf('\n')));
    });
  });
  const started = JSON.parse(line) as Omit<BenchKeyFence, 'stop'>;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    ...started,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

async function serve(settings: BenchKeyFenceSettings): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyfence-bench-'));
  const outcome = await initializeStore({ data: dataDir, env: {} });
  if (outcome.kind !== 'created') throw new Error('the benchmark needs a fresh store');
  const keySource = masterKeySource({}, join(dataDir, MASTER_KEY_FILE_NAME));
  const store = await openStore({
    dialect: 'sqlite',
    file: join(dataDir, SQLITE_FILE_NAME),
    masterKey: await loadMasterKey(keySource, {}),
  });
  const proxies = TrustedProxies.parse(['127.0.0.1/32']);
  if (!proxies.ok) throw new Error('127.0.0.1/32');
  const auditSink = new StoreAuditSink(store);
  const server = createServer({
    store,
    actions: [...ALL_ACTIONS, ...ACTIONTRAIL_ACTIONS],
    trustedProxies: proxies.value,
    forwardAuth: { verifySignature: settings.verifySignature },
    ...(settings.upstream === undefined
      ? {}
      : {
          gateway: {
            routes: [
              {
                host: '*.bench.example',
                version: undefined,
                service: 'bench',
                upstream: new URL(settings.upstream),
              },
            ],
            upstreamTimeoutMs: 30_000,
          },
        }),
    auditSink,
  });
  const listener = (role: 'api' | 'gateway') => ({
    address: { host: '127.0.0.1', port: 0 },
    role,
    proxyProtocol: 'off' as const,
    vpcEndpointOf: undefined,
  });
  const urls = await server.start(
    settings.upstream === undefined ? [listener('api')] : [listener('api'), listener('gateway')],
  );
  const { accessKeyId, accessKeySecret } = outcome.credentials;
  process.stdout.write(
    `${JSON.stringify({ api: urls[0], gateway: urls[1] ?? null, root: { accessKeyId, accessKeySecret } })}\n`,
  );
  process.once('SIGTERM', async () => {
    await server.close();
    await auditSink.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
}

if (process.argv[1] === SELF && process.env.BENCH_KEYFENCE !== undefined) {
  await serve(JSON.parse(process.env.BENCH_KEYFENCE) as BenchKeyFenceSettings);
}
