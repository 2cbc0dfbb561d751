import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { captureOutput } from '../support/keyfence-process.js';
import { call, expectSuccess, send } from '../support/server-harness.js';

const root = await mkdtemp(join(tmpdir(), 'keyfence-serve-'));
after(() => rm(root, { recursive: true, force: true }));

interface Running {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly logLines: () => Record<string, unknown>[];
  readonly exited: Promise<number | null>;
}

function logLine(line: string): Record<string, unknown> {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new assert.AssertionError({ message: `a stderr line is not JSON: ${line}` });
  }
}

/** `keyfence serve` as a user runs it: the real CLI in its own process. */
function serve(args: readonly string[]): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', ...args], {
    cwd: process.cwd(),
    env: Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'KEYFENCE_MASTER_KEY')),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captureOutput(child);
  return {
    child,
    stdout: output.stdout,
    stderr: output.stderr,
    logLines: () =>
      output
        .stderr()
        .split('\n')
        .filter((line) => line !== '')
        .map(logLine),
    exited: output.exited.then((exit) => exit.code),
  };
}

/** The port the server said it listens on, once it says so. */
async function listening(running: Running): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const line = running.logLines().find((l) => l.msg === 'listening');
    if (line !== undefined) return Number(new URL(String(line.address)).port);
    const code = await Promise.race([
      running.exited,
      new Promise((resolve) => setTimeout(resolve, 50, 'running')),
    ]);
    assert.equal(code, 'running', `serve exited early: ${JSON.stringify(running.logLines())}`);
    assert.ok(Date.now() < deadline, 'serve did not start in time');
  }
}

describe('keyfence serve', () => {
  test('first start on an empty data directory: root credentials once, one listening line, clean exit', async () => {
    const data = join(root, 'fresh');
    await mkdir(data);
    const first = serve(['--data', data, '--listen', '127.0.0.1:0']);
    const port = await listening(first);

    const printed = first.stdout().trim().split('\n');
    assert.equal(printed.length, 1, 'stdout holds the credentials only');
    const credentials = JSON.parse(printed[0]!);
    assert.deepEqual(Object.keys(credentials), ['accountId', 'accessKeyId', 'accessKeySecret']);
    const listeningLines = first.logLines().filter((l) => l.msg === 'listening');
    assert.equal(listeningLines.length, 1);
    assert.equal(listeningLines[0]!.address, `http://127.0.0.1:${port}`);
    assert.ok(
      !JSON.stringify(first.logLines()).includes(credentials.accessKeySecret),
      'the secret is never logged',
    );

    // The printed key works against the real handlers.
    const reply = await call(port, {
      action: 'GetCallerIdentity',
      version: '2015-04-01',
      credentials,
    });
    expectSuccess(reply);
    assert.deepEqual((await send(port, { path: '/readyz' })).body.status, 'ready');

    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0);
    assert.ok(first.logLines().some((l) => l.msg === 'stopped'));
    assert.ok(!first.logLines().some((l) => JSON.stringify(l).includes('ACS3-HMAC-SHA256')));

    // A second start on the same directory prints nothing and uses the same store.
    const second = serve(['--data', data, '--listen', '127.0.0.1:0']);
    const port2 = await listening(second);
    assert.equal(second.stdout(), '');
    expectSuccess(await call(port2, { action: 'GetCallerIdentity', version: '2015-04-01', credentials }));
    second.child.kill('SIGINT');
    assert.equal(await second.exited, 0);
  });

  test('a missing data directory is a first start too', async () => {
    const running = serve(['--data', join(root, 'missing', 'nested'), '--listen', '[::1]:0']);
    let port: number;
    try {
      port = await listening(running);
    } catch (error) {
      running.child.kill('SIGKILL');
      // Hosts without IPv6 loopback cannot run this case.
      if (running.logLines().some((l) => String(l.error).includes('EADDRNOTAVAIL'))) return;
      throw error;
    }
    assert.ok(port > 0);
    assert.match(
      String(running.logLines().find((l) => l.msg === 'listening')?.address),
      /^http:\/\/\[::1\]:\d+$/,
    );
    assert.equal(Object.keys(JSON.parse(running.stdout())).length, 3);
    running.child.kill('SIGTERM');
    assert.equal(await running.exited, 0);
  });

  test('bad flags are refused with a clear message and exit code 1', async () => {
    const running = serve([
      '--data',
      join(root, 'never'),
      '--listen',
      '127.0.0.1:99999',
      '--trusted-proxy',
      '10.0.0.0/33',
      '--exempt-service',
      'not a service',
    ]);
    assert.equal(await running.exited, 1);
    assert.equal(running.stdout(), '');
    const lines = running.stderr().trim().split('\n');
    assert.equal(lines.length, 3, running.stderr());
    assert.equal(lines[0], 'keyfence serve: --listen: port 99999 is not in 0..65535 (Config.InvalidValue)');
    assert.match(lines[1]!, /^keyfence serve: --trusted-proxy: .* \(Config\.InvalidValue\)$/);
    assert.match(lines[2]!, /^keyfence serve: --exempt-service: "not a service" is not a service code/);
  });

  test('a PostgreSQL store is never initialised implicitly', async () => {
    const running = serve(['--database-url', 'postgres://127.0.0.1:1/none', '--data', join(root, 'pg-key')]);
    assert.equal(await running.exited, 1);
    assert.equal(running.stdout(), '');
    assert.ok(running.logLines().some((l) => l.msg === 'cannot open the store'));
  });
});

describe('keyfence init (the command the first start reuses)', () => {
  const init = (args: readonly string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'init', ...args], {
        env: Object.fromEntries(
          Object.entries(process.env).filter(([name]) => name !== 'KEYFENCE_MASTER_KEY'),
        ),
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });

  test('prints the root credentials once; a second run changes nothing and exits 1', async () => {
    const data = join(root, 'init-cli');
    const first = await init(['--data', data]);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(Object.keys(JSON.parse(first.stdout)), ['accountId', 'accessKeyId', 'accessKeySecret']);
    const second = await init(['--data', data]);
    assert.equal(second.code, 1);
    assert.equal(second.stdout, '');
    assert.match(second.stderr, /already initialized/);
  });
});
