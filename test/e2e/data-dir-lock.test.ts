/**
 * A node owns its data folder: real `keyfence serve` processes
 * (bin/keyfence.js, so `npm run build` first). Two nodes on one folder named their spool files
 * alike and lost audit events; now the second refuses to start, and a holder killed with
 * SIGKILL leaves nothing that stops the next start. What KeyFence creates there is private
 * whatever the umask.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { HOLDER_FILE_NAME, LOCK_FILE_NAME } from '../../src/cli/data-dir-lock.js';
import { assertBuilt, runCli } from '../support/cluster.js';
import { type CapturedOutput, captureOutput, jsonLines, REPO_ROOT } from '../support/keyfence-process.js';

const BIN = join(REPO_ROOT, 'bin', 'keyfence.js');

interface Serving extends CapturedOutput {
  readonly child: ChildProcess;
}

function spawnServe(args: readonly string[], umask?: string): Serving {
  const env = { ...process.env };
  delete env.KEYFENCE_MASTER_KEY;
  const command = [process.execPath, BIN, 'serve', ...args, '--listen', '127.0.0.1:0'];
  const child =
    umask === undefined
      ? spawn(command[0]!, command.slice(1), { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('sh', ['-c', `umask ${umask}; exec "$@"`, 'sh', ...command], {
          cwd: REPO_ROOT,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
  return { child, ...captureOutput(child) };
}

async function listening(node: Serving): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const line = jsonLines(node.stderr()).find((l) => l.msg === 'listening');
    if (line !== undefined) return line;
    assert.equal(node.child.exitCode, null, `serve exited early:\n${node.stderr()}`);
    assert.ok(Date.now() < deadline, `serve did not start:\n${node.stderr()}`);
    await delay(20);
  }
}

async function refused(node: Serving): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 30_000;
  while (node.child.exitCode === null) {
    assert.ok(!jsonLines(node.stderr()).some((l) => l.msg === 'listening'), 'the second node started');
    assert.ok(Date.now() < deadline, `the second node neither started nor stopped:\n${node.stderr()}`);
    await delay(20);
  }
  const exit = await node.exited;
  assert.equal(exit.code, 1, node.stderr());
  const fatal = jsonLines(node.stderr()).find((l) => l.level === 60);
  assert.ok(fatal, node.stderr());
  return fatal;
}

/** Every path under `dir` with its size and modification time: what "touched" would change. */
async function contents(dir: string): Promise<string[]> {
  const names = (await readdir(dir, { recursive: true })).sort();
  return Promise.all(
    names.map(async (name) => {
      const info = await stat(join(dir, name));
      return `${name} ${info.size} ${info.mtimeMs}`;
    }),
  );
}

describe('a data folder has one node', () => {
  let root: string;
  const running: Serving[] = [];

  before(async () => {
    assertBuilt();
    root = await mkdtemp(join(tmpdir(), 'keyfence-data-lock-'));
  });

  after(async () => {
    for (const node of running) if (node.child.exitCode === null) node.child.kill('SIGKILL');
    await Promise.all(running.map((node) => node.exited));
    await rm(root, { recursive: true, force: true });
  });

  test('a second node on the folder refuses to start, naming the folder and the holder, and changes nothing; after kill -9 of the holder a new node starts', async () => {
    const data = join(root, 'shared');
    const first = spawnServe(['--data', data, '--node-id', 'node-a']);
    running.push(first);
    await listening(first);
    const before = await contents(data);

    for (const extra of [[], ['--database-url', 'postgres://127.0.0.1:1/none']]) {
      const second = spawnServe(['--data', data, '--node-id', 'node-b', ...extra]);
      running.push(second);
      const fatal = await refused(second);
      const message = String(fatal.msg);
      assert.ok(message.includes(`data folder ${data} is in use`), message);
      for (const part of ['node node-a', `pid ${first.child.pid}`, hostname(), 'each node needs']) {
        assert.ok(message.includes(part), `${part} in: ${message}`);
      }
      const holder = fatal.holder as { since: string };
      assert.ok(Math.abs(Date.parse(holder.since) - Date.now()) < 60_000, holder.since);
      assert.equal(second.stdout(), '', 'no credentials printed');
    }
    // The CLI's readers are not nodes: they still work next to a running node.
    const status = await runCli(['status', '--data', data]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /1 enforcing/);
    const init = await runCli(['init', '--data', data]);
    assert.equal(init.code, 1);
    assert.match(init.stderr, /already initialized/);

    // The first node's own files may change as it runs; the refused nodes added none.
    assert.deepEqual(
      (await contents(data)).map((line) => line.split(' ')[0]),
      before.map((line) => line.split(' ')[0]),
    );

    first.child.kill('SIGKILL');
    await first.exited;
    const next = spawnServe(['--data', data, '--node-id', 'node-c']);
    running.push(next);
    await listening(next);
    assert.equal(next.stdout(), '', 'a restart, not a first start');
    next.child.kill('SIGTERM');
    assert.equal((await next.exited).code, 0, next.stderr());
    const left = await readdir(data);
    assert.ok(left.includes(LOCK_FILE_NAME));
    assert.ok(!left.includes(HOLDER_FILE_NAME), 'a graceful stop removes the holder file');
  });

  test('what KeyFence creates in the folder is 0600, its folders 0700, whatever the umask', async () => {
    const data = join(root, 'new', 'data');
    const node = spawnServe(['--data', data], '000');
    running.push(node);
    await listening(node);
    const mode = async (path: string) => (await stat(path)).mode & 0o777;
    for (const dir of [join(root, 'new'), data, join(data, 'audit-spool')]) {
      assert.equal((await mode(dir)).toString(8), '700', dir);
    }
    const files = await readdir(data, { withFileTypes: true });
    const names = files.filter((f) => f.isFile()).map((f) => f.name);
    for (const name of names) assert.equal((await mode(join(data, name))).toString(8), '600', name);
    for (const expected of [
      'keyfence.db',
      'keyfence.db-wal',
      'keyfence.db-shm',
      'master.key',
      LOCK_FILE_NAME,
    ]) {
      assert.ok(names.includes(expected), `${expected} in ${names.join(', ')}`);
    }
    node.child.kill('SIGTERM');
    assert.equal((await node.exited).code, 0, node.stderr());
  });
});
