/**
 * KeyFence for the forward-auth and gateway benchmarks: the built CLI (`keyfence serve --config`,
 * as `npm start` runs it; the npm scripts build first) on a fresh SQLite data directory, audit on, trusting
 * 127.0.0.1 as a proxy, with an API listener and, when an upstream is given, a gateway listener
 * routing `*.bench.example` to it as service `bench`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callApi, classic, openApiClient, policy, VERSIONS } from '../test/interop/support/sdk.js';
import { captureOutput, jsonLines, REPO_ROOT } from '../test/support/keyfence-process.js';
import type { Credentials, SignedCall } from './signed-headers.js';

/** The host both benchmarks call: the gateway listener routes it to the upstream as service `bench`. */
export const BENCH_HOST = 'ecs.bench.example';

/** The call both benchmarks send, signed by `root`: ECS DescribeRegions for cn-hangzhou. */
export function describeRegions(root: Credentials): SignedCall {
  return {
    host: BENCH_HOST,
    method: 'GET',
    action: 'DescribeRegions',
    version: '2014-05-26',
    query: [['RegionId', 'cn-hangzhou']],
    credentials: root,
  };
}

export interface BenchKeyFenceSettings {
  readonly verifySignature: boolean;
  /** `replayProtection` (docs/auth.md); default the configuration's default, `store`. */
  readonly replayProtection?: 'store' | 'memory';
  /** When set, a gateway listener routing every `*.bench.example` host to this upstream. */
  readonly upstream?: string;
  /** The configuration file's `audit` section (e.g. `{ durability: 'strict' }`). */
  readonly audit?: Readonly<Record<string, unknown>>;
  /** The checkout whose built `bin/keyfence.js` runs; default this one. */
  readonly root?: string;
}

export interface BenchKeyFence {
  readonly api: string;
  readonly gateway: string | null;
  readonly root: Credentials;
  readonly pid: number;
  /** Its data directory (SQLite database, audit spool). */
  readonly dataDir: string;
  /** kill -9, leaving the data directory for `stop` to remove. */
  crash(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `keyfence serve --config` and waits for its credentials and its `listening` line. */
export async function startBenchKeyFence(settings: BenchKeyFenceSettings): Promise<BenchKeyFence> {
  const dir = mkdtempSync(join(tmpdir(), 'keyfence-bench-'));
  const config = {
    data: join(dir, 'data'),
    listeners: [
      { listen: '127.0.0.1:0' },
      ...(settings.upstream === undefined ? [] : [{ listen: '127.0.0.1:0', role: 'gateway' }]),
    ],
    trustedProxies: ['127.0.0.1/32'],
    forwardAuth: { verifySignature: settings.verifySignature },
    ...(settings.audit === undefined ? {} : { audit: settings.audit }),
    ...(settings.replayProtection === undefined ? {} : { replayProtection: settings.replayProtection }),
    ...(settings.upstream === undefined
      ? {}
      : {
          gateway: { routes: [{ host: '*.bench.example', service: 'bench', upstream: settings.upstream }] },
        }),
  };
  writeFileSync(join(dir, 'keyfence.json'), JSON.stringify(config));
  const env = { ...process.env };
  delete env.KEYFENCE_MASTER_KEY;
  delete env.KEYFENCE_LISTEN;
  const child: ChildProcess = spawn(
    process.execPath,
    [...serverNodeFlags(), 'bin/keyfence.js', 'serve', '--config', join(dir, 'keyfence.json')],
    { cwd: settings.root ?? REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const { stdout, stderr, exited } = captureOutput(child);
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const root = jsonLines(stdout()).find((line) => typeof line.accessKeySecret === 'string');
    const listening = jsonLines(stderr()).find((line) => line.msg === 'listening');
    if (root !== undefined && listening !== undefined) {
      const listeners = listening.listeners as { address: string; role: string }[];
      return {
        api: listeners.find((l) => l.role === 'api')!.address,
        gateway: listeners.find((l) => l.role === 'gateway')?.address ?? null,
        root: { accessKeyId: String(root.accessKeyId), accessKeySecret: String(root.accessKeySecret) },
        pid: child.pid!,
        dataDir: config.data,
        crash: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    if (gone || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`keyfence serve did not start:\n${stdout()}\n${stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `BENCH_SERVER_NODE_FLAGS` (e.g. `--cpu-prof`), Node flags for the KeyFence process, to profile it under load. */
function serverNodeFlags(): string[] {
  return (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(' ').filter((flag) => flag !== '');
}

/** An Active account-level policy in force that allows the benches' clients (127.0.0.1 among them). */
export async function allowBenchClients(kf: BenchKeyFence): Promise<void> {
  await callApi(
    openApiClient({ endpoint: new URL(kf.api).host }, kf.root),
    'SetAccessKeyPolicyForAccount',
    VERSIONS.ims,
    {
      AccessKeyPolicy: policy('Active', classic('203.0.113.0/24', '127.0.0.1')),
    },
  );
}
