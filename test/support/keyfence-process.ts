/**
 * Runs the real `keyfence serve` (the CLI entry point, as a user would) in a child process on
 * 127.0.0.1 with a port the OS picks, for the tests that need the real process and the benchmarks.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What `keyfence serve` prints on stdout on its first start with an empty data directory. */
export interface RootCredentials {
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
}

export interface KeyFenceProcessOptions {
  /** `--trusted-proxy` CIDRs (repeatable flag). */
  readonly trustedProxies?: readonly string[];
  /** `--exempt-service` codes (repeatable flag). */
  readonly exemptServices?: readonly string[];
  /** Runs `bin/keyfence.js` (the built `dist/`: `npm run build` first) instead of the sources through tsx. */
  readonly built?: boolean;
  /** A configuration file (`--config`), for the keys without a flag. */
  readonly config?: string;
  /** How long to wait for the listening line. Default 30 s (tsx compiles the sources first). */
  readonly startTimeoutMs?: number;
  /**
   * Restart on the data directory of an earlier process (stopped with `keepData`), whose root
   * credentials are `root`: the server must then print no credentials. Default: a fresh directory.
   */
  readonly restart?: { readonly dataDir: string; readonly root: RootCredentials };
}

export interface KeyFenceProcess {
  /** `http://127.0.0.1:PORT`, from the listening line. */
  /** The server process, for benchmarks that pin it to a CPU. */
  readonly pid: number;
  readonly url: string;
  /** `127.0.0.1:PORT`: what openapi-core / openapi-client take as `endpoint` (no scheme). */
  readonly endpoint: string;
  /** The first listener's port. */
  readonly port: number;
  /** Every listener's port, in the order of the listening line's `listeners`. */
  readonly ports: readonly number[];
  readonly root: RootCredentials;
  readonly dataDir: string;
  /** The parsed `listening` log line. */
  readonly listening: Readonly<Record<string, unknown>>;
  /** Everything the process wrote to stderr so far (JSON log lines). */
  stderr(): string;
  /** Everything the process wrote to stdout so far. */
  stdout(): string;
  /**
   * SIGTERM, then waits for the exit (at most `timeoutMs`, then SIGKILL) and removes the data
   * directory unless `keepData`. Resolves with how the process ended.
   */
  stop(options?: { readonly timeoutMs?: number; readonly keepData?: boolean }): Promise<Exit>;
  /**
   * kill -9: resolves with how the process ended once it is gone. The data directory stays, for a
   * restart or a look at what was stored; a later `stop` removes it.
   */
  crash(): Promise<Exit>;
}

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Starts `keyfence serve --data <fresh dir> --listen 127.0.0.1:0 …` and waits until it listens. */
export async function startKeyFence(options: KeyFenceProcessOptions = {}): Promise<KeyFenceProcess> {
  // A fresh, empty directory: serve initialises it and prints the root credentials once.
  const dataDir = options.restart?.dataDir ?? mkdtempSync(join(tmpdir(), 'keyfence-interop-'));
  const entry = options.built ? ['bin/keyfence.js'] : ['--import', 'tsx', 'src/cli/main.ts'];
  const args = [...entry, 'serve', '--data', dataDir, '--listen', '127.0.0.1:0'];
  for (const cidr of options.trustedProxies ?? []) args.push('--trusted-proxy', cidr);
  for (const service of options.exemptServices ?? []) args.push('--exempt-service', service);
  if (options.config !== undefined) args.push('--config', options.config);
  const env = { ...process.env };
  delete env.KEYFENCE_MASTER_KEY;
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });

  const output = captureOutput(child);
  const { exited } = output;

  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let listening: Record<string, unknown> | undefined;
  let root: RootCredentials | undefined = options.restart?.root;
  let exitedEarly: Exit | undefined;
  void exited.then((outcome) => {
    exitedEarly = outcome;
  });
  while (listening === undefined || root === undefined) {
    listening ??= jsonLines(output.stderr()).find((line) => line.msg === 'listening');
    if (options.restart === undefined) root ??= jsonLines(output.stdout()).find(isRootCredentials);
    if (listening !== undefined && root !== undefined) break;
    if (exitedEarly !== undefined) {
      if (options.restart === undefined) rmSync(dataDir, { recursive: true, force: true });
      throw new Error(
        `keyfence serve exited (${JSON.stringify(exitedEarly)}) before it listened` +
          `${listening === undefined ? '' : ' (it listened but printed no root credentials)'}.\n` +
          `stdout:\n${output.stdout()}\nstderr:\n${output.stderr()}`,
      );
    }
    if (Date.now() > deadline) {
      await kill(child, exited, 2000);
      if (options.restart === undefined) rmSync(dataDir, { recursive: true, force: true });
      throw new Error(
        `keyfence serve did not ${listening === undefined ? 'log its listening line' : 'print the root credentials'} ` +
          `within ${timeoutMs} ms.\nstdout:\n${output.stdout()}\nstderr:\n${output.stderr()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }

  const address = String(listening.address);
  const url = new URL(address);
  assert.equal(url.hostname, '127.0.0.1', `the listening line names 127.0.0.1: ${address}`);
  const port = Number(url.port);
  assert.ok(port > 0, `the listening line names the port picked for --listen 127.0.0.1:0: ${address}`);

  const listeners = listening.listeners as readonly { readonly address: string }[];
  let stopped: Promise<Exit> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    endpoint: `127.0.0.1:${port}`,
    port,
    ports: listeners.map((listener) => Number(new URL(listener.address).port)),
    root,
    dataDir,
    listening,
    stderr: output.stderr,
    stdout: output.stdout,
    stop: ({ timeoutMs: stopTimeoutMs = 15_000, keepData = false } = {}) => {
      stopped ??= kill(child, exited, stopTimeoutMs).finally(() => {
        if (!keepData) rmSync(dataDir, { recursive: true, force: true });
      });
      return stopped;
    },
    crash: () => {
      child.kill('SIGKILL');
      return exited;
    },
  };
}

/** How a child process ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A child's output so far, as text, and its end. */
export interface CapturedOutput {
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<Exit>;
}

/** Collects what `child` (spawned with piped stdout and stderr) writes, from now on. */
export function captureOutput(child: ChildProcess): CapturedOutput {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { stdout: () => stdout, stderr: () => stderr, exited };
}

/** SIGTERM, then SIGKILL after `timeoutMs`; resolves with how the process ended. */
export async function kill(child: ChildProcess, exited: Promise<Exit>, timeoutMs: number): Promise<Exit> {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** The complete JSON lines of a log written so far. */
export function jsonLines(text: string): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (value !== null && typeof value === 'object') lines.push(value as Record<string, unknown>);
    } catch {
      // a line still being written, or not JSON
    }
  }
  return lines;
}

function isRootCredentials(
  value: Record<string, unknown>,
): value is Record<string, unknown> & RootCredentials {
  return (
    typeof value.accountId === 'string' &&
    typeof value.accessKeyId === 'string' &&
    typeof value.accessKeySecret === 'string'
  );
}
