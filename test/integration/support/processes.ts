/**
 * Child processes for the integration tests: free loopback ports, waiting until a server accepts
 * connections, and stopping what was started (only that, by its own handle).
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { accepts } from '../../support/accepts.js';

/** A port nothing listens on right now (the OS's pick, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Started {
  readonly child: ChildProcess;
  /** What the process wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, SIGKILL after `timeoutMs`; resolves once it exited. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Spawns `command` and waits until 127.0.0.1:`port` accepts a connection (or the process exits). */
export async function startListening(
  what: string,
  command: string,
  args: readonly string[],
  port: number,
  options: SpawnOptions = {},
): Promise<Started> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const stop = async (timeoutMs = 5000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 15_000;
  while (!(await accepts(port))) {
    if (gone) throw new Error(`${what} exited before it listened on ${port}:\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${what} did not listen on ${port} within 15 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, output: () => output, stop };
}
