/**
 * SIGHUP to `keyfence serve` (run in this process, so that the signal lands at a known point):
 * one that arrives while the store is still being created neither ends the process nor is lost;
 * its certificate reload is done once the server listens.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { runServe } from '../../src/cli/serve-command.js';
import { jsonLines } from '../support/keyfence-process.js';
import { createTestCa } from '../support/test-certificates.js';

const ca = createTestCa();
const pair = ca.issue('server');

test('a SIGHUP before the server is up is held, then its reload is done', async () => {
  const data = mkdtempSync(join(tmpdir(), 'keyfence-hangup-'));
  after(() => rmSync(data, { recursive: true, force: true }));
  let log = '';
  const stderr = new PassThrough();
  stderr.on('data', (chunk: Buffer) => {
    log += chunk.toString('utf8');
  });
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('KEYFENCE_')),
  );
  const exit = runServe(
    { data, listen: '127.0.0.1:0', tlsCert: pair.cert, tlsKey: pair.key },
    { env, stdout: new PassThrough(), stderr },
  );
  // Delivered while serve reads its configuration and creates the store: without a handler
  // installed by then, it would end this process.
  process.kill(process.pid, 'SIGHUP');

  try {
    const deadline = Date.now() + 20_000;
    const messages = () => jsonLines(log).map((line) => line.msg);
    while (!messages().includes('TLS certificate reloaded')) {
      assert.ok(Date.now() < deadline, `no reload logged: ${log}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const order = messages();
    assert.ok(order.indexOf('listening') < order.indexOf('TLS certificate reloaded'), log);
    assert.equal(order.filter((msg) => msg === 'TLS certificate reloaded').length, 1);
  } finally {
    process.kill(process.pid, 'SIGTERM');
    assert.equal(await exit, 0);
  }
});
