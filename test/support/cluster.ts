/**
 * Several real `keyfence serve` processes (bin/keyfence.js, so `npm run build` first) on one real
 * PostgreSQL database, as a multi-node deployment runs: `keyfence init --database-url` once, then
 * every node started with the same database and master key (KEYFENCE_MASTER_KEY) and a data
 * directory of its own. Also used by bench/propagation.bench.ts.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonLines, kill, REPO_ROOT, type RootCredentials } from './keyfence-process.js';

const BIN = join(REPO_ROOT, 'bin', 'keyfence.js');

export interface ClusterNode {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly nodeId: string;
  readonly pid: number;
  /** Everything the node logged so far (JSON lines). */
  stderr(): string;
  /** GET /readyz. */
  readyz(): Promise<{ status: string; appliedVersion: number; nodeId: string }>;
  /** SIGTERM, then waits for the exit (SIGKILL after 15 s). */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal (SIGSTOP / SIGCONT) without waiting for anything. */
  signal(signal: NodeJS.Signals): void;
}

export interface Cluster {
  readonly databaseUrl: string;
  readonly root: RootCredentials;
  readonly nodes: ClusterNode[];
  /** Starts one more node on the same database. */
  addNode(name: string): Promise<ClusterNode>;
  /** Stops every node still running and removes the data directories. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  readonly databaseUrl: string;
  readonly nodes: readonly string[];
  /** Extra `serve` flags for every node (e.g. `--trusted-proxy`). */
  readonly serveFlags?: readonly string[];
}

/** Refuses to run against a dist/ older than src/: the processes would run yesterday's code. */
export function assertBuilt(): void {
  const main = join(REPO_ROOT, 'dist', 'cli', 'main.js');
  let built: number;
  try {
    built = statSync(main).mtimeMs;
  } catch {
    assert.fail('dist/ is missing: run `npm run build` before the multi-node tests');
  }
  const newest = newestMtime(join(REPO_ROOT, 'src'));
  assert.ok(
    newest <= built,
    'src/ changed after the last build: run `npm run build` before the multi-node tests',
  );
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Runs the CLI to completion. */
export function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, cwd: REPO_ROOT }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  assertBuilt();
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyfence-node-'));
    dirs.push(dir);
    return dir;
  };
  const initDir = tempDir();
  const env = { ...process.env };
  delete env.KEYFENCE_MASTER_KEY;
  const init = await runCli(['init', '--data', initDir, '--database-url', options.databaseUrl], env);
  assert.equal(init.code, 0, `keyfence init failed: ${init.stderr}`);
  const root = JSON.parse(init.stdout) as RootCredentials;
  const masterKey = readFileSync(join(initDir, 'master.key'), 'utf8').trim();
  const nodeEnv = { ...env, KEYFENCE_MASTER_KEY: masterKey };

  const nodes: ClusterNode[] = [];
  const addNode = async (name: string) => {
    const node = await startNode(name, tempDir(), options, nodeEnv);
    nodes.push(node);
    return node;
  };
  try {
    await Promise.all(options.nodes.map((name) => addNode(name)));
  } catch (error) {
    await Promise.all(nodes.map((node) => node.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  // Started in parallel: keep them in the order asked for.
  nodes.sort((a, b) => options.nodes.indexOf(a.name) - options.nodes.indexOf(b.name));
  return {
    databaseUrl: options.databaseUrl,
    root,
    nodes,
    addNode,
    async stop() {
      for (const node of nodes) node.signal('SIGCONT');
      await Promise.all(nodes.map((node) => node.stop()));
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startNode(
  name: string,
  dataDir: string,
  options: ClusterOptions,
  env: NodeJS.ProcessEnv,
): Promise<ClusterNode> {
  const args = [
    BIN,
    'serve',
    '--data',
    dataDir,
    '--database-url',
    options.databaseUrl,
    '--listen',
    '127.0.0.1:0',
    ...(options.serveFlags ?? []),
  ];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let ended: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void exited.then((outcome) => {
    ended = outcome;
  });
  const deadline = Date.now() + 30_000;
  let listening: Record<string, unknown> | undefined;
  while (listening === undefined) {
    listening = jsonLines(stderr).find((line) => line.msg === 'listening');
    if (listening !== undefined) break;
    if (ended !== undefined || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`node ${name} did not start (${JSON.stringify(ended)}):\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const url = String(listening.address);
  let stopped: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  return {
    name,
    url,
    port: Number(new URL(url).port),
    nodeId: String(listening.nodeId),
    pid: child.pid!,
    stderr: () => stderr,
    readyz: async () => (await (await fetch(`${url}/readyz`)).json()) as never,
    signal: (signal) => {
      if (ended === undefined) child.kill(signal);
    },
    stop: () => {
      stopped ??= kill(child, exited, 15_000);
      return stopped;
    },
  };
}
