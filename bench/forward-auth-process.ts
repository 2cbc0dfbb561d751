/**
 * KeyFence for the forward-auth and gateway benchmarks: the real CLI (`keyfence serve --config`,
 * through tsx as bench:server runs it) on a fresh SQLite data directory, audit on, trusting
 * 127.0.0.1 as a proxy, with an API listener and, when an upstream is given, a gateway listener
 * routing `*.bench.example` to it as service `bench`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callApi, classic, openApiClient, policy, VERSIONS } from '../test/interop/support/sdk.js';
import type { Credentials } from './signed-headers.js';

export interface BenchKeyFenceSettings {
  readonly verifySignature: boolean;
  /** When set, a gateway listener routing every `*.bench.example` host to this upstream. */
  readonly upstream?: string;
}

export interface BenchKeyFence {
  readonly api: string;
  readonly gateway: string | null;
  readonly root: Credentials;
  stop(): Promise<void>;
}

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

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
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--config', join(dir, 'keyfence.json')],
    { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const root = jsonLines(stdout).find((line) => typeof line.accessKeySecret === 'string');
    const listening = jsonLines(stderr).find((line) => line.msg === 'listening');
    if (root !== undefined && listening !== undefined) {
      const listeners = listening.listeners as { address: string; role: string }[];
      return {
        api: listeners.find((l) => l.role === 'api')!.address,
        gateway: listeners.find((l) => l.role === 'gateway')?.address ?? null,
        root: { accessKeyId: String(root.accessKeyId), accessKeySecret: String(root.accessKeySecret) },
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
      throw new Error(`keyfence serve did not start:\n${stdout}\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
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

function jsonLines(text: string): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a line still being written
    }
  }
  return lines;
}
