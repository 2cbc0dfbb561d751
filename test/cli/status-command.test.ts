import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runStatus } from '../../src/cli/status-command.js';
import { openStore, SQLITE_FILE_NAME } from '../../src/store/index.js';

const root = await mkdtemp(join(tmpdir(), 'keyfence-status-'));
after(() => rm(root, { recursive: true, force: true }));

test('keyfence status on an SQLite data directory: enforced, lagging, and refusals', async () => {
  const data = join(root, 'data');
  const missing = await runStatus({ data });
  assert.equal(missing.exitCode, 1);
  assert.match(missing.stderr, /^keyfence status: there is no store at /);
  assert.equal(existsSync(join(data, SQLITE_FILE_NAME)), false, 'asking created nothing');

  await mkdir(data);
  const store = await openStore({ dialect: 'sqlite', file: join(data, SQLITE_FILE_NAME) });
  try {
    await store.write((tx) => tx.createAccount());
    await store.write((tx) => tx.createAccount());
    const node = {
      nodeId: 'solo-8080',
      address: 'http://127.0.0.1:8080',
      state: 'serving',
      heartbeatMs: 3_600_000,
      startedAt: new Date(),
    } as const;
    await store.recordNode({ ...node, appliedVersion: 2 });
    const enforced = await runStatus({ data });
    assert.equal(enforced.exitCode, 0, enforced.stderr);
    assert.match(enforced.stdout, /^policy version 2 \(last committed: 2\)$/m);
    assert.match(
      enforced.stdout,
      /^solo-8080\s+enforcing\s+2\s+[0-9.]+ s ago\s+http:\/\/127\.0\.0\.1:8080$/m,
    );

    await store.recordNode({ ...node, appliedVersion: 1 });
    const lagging = await runStatus({ data, json: true });
    assert.equal(lagging.exitCode, 3);
    const report = JSON.parse(lagging.stdout);
    assert.equal(report.enforced, false);
    assert.deepEqual(report.counts, { enforcing: 0, lagging: 1, stale: 0, stopped: 0 });
    assert.equal(report.nodes[0].standing, 'lagging');
    assert.equal((await runStatus({ data, version: '1' })).exitCode, 0, 'it does enforce version 1');

    for (const version of ['0', '01', '-1', '1.0', 'abc', '3']) {
      const refused = await runStatus({ data, version });
      assert.equal(refused.exitCode, 1, version);
      assert.equal(refused.stdout, '');
    }
  } finally {
    await store.close();
  }
});

test('keyfence status with no running node exits 4, not 0: a deploy gate must not pass on no node', async () => {
  const data = join(root, 'no-node');
  await mkdir(data);
  const store = await openStore({ dialect: 'sqlite', file: join(data, SQLITE_FILE_NAME) });
  try {
    await store.write((tx) => tx.createAccount());
    const none = await runStatus({ data });
    assert.equal(none.exitCode, 4, none.stdout);
    assert.match(none.stdout, /^no node has reported yet$/m);
    assert.match(
      none.stdout,
      /^no running node: none reported in the last \d+ heartbeats, so no node enforces version 1$/m,
    );
    assert.equal((await runStatus({ data, json: true })).exitCode, 4);

    await store.recordNode({
      nodeId: 'gone-8080',
      address: 'http://127.0.0.1:8080',
      state: 'stopped',
      heartbeatMs: 3_600_000,
      startedAt: new Date(),
      appliedVersion: 1,
    });
    const stopped = await runStatus({ data });
    assert.equal(stopped.exitCode, 4, 'a stopped node enforces nothing');
    assert.match(stopped.stdout, /^0 enforcing, 0 lagging, 0 stale, 1 stopped$/m);
  } finally {
    await store.close();
  }
});
