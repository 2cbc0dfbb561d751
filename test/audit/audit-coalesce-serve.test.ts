/**
 * `audit.coalesce` from the configuration file reaches the audit sink of the real `keyfence serve`
 * (the built CLI: `npm run build` first): identical forward-auth checks are folded by default and
 * not with `coalesce: false`, as /metrics counts them.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { captureOutput, jsonLines, kill, REPO_ROOT } from '../interop/support/keyfence-process.js';
import { signOriginal, viaNginx } from '../server/forward-auth-support.js';
import { send } from '../server/support.js';

const CHECKS = 5;
const root = await mkdtemp(join(tmpdir(), 'keyfence-coalesce-serve-'));
after(() => rm(root, { recursive: true, force: true }));

/** Runs `keyfence serve --config` with `audit` as given; resolves with its port and root key. */
async function serveWith(name: string, audit: Record<string, unknown>) {
  const config = join(root, `${name}.json`);
  const file = { data: join(root, name), listen: '127.0.0.1:0', trustedProxies: ['127.0.0.1'], audit };
  await writeFile(config, JSON.stringify(file));
  const env = { ...process.env };
  delete env.KEYFENCE_MASTER_KEY;
  const child = spawn(process.execPath, ['bin/keyfence.js', 'serve', '--config', config], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captureOutput(child);
  after(() => kill(child, output.exited, 5000));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const listening = jsonLines(output.stderr()).find((line) => line.msg === 'listening');
    const credentials = jsonLines(output.stdout()).find((line) => typeof line.accessKeySecret === 'string');
    if (listening !== undefined && credentials !== undefined) {
      return {
        port: Number(new URL(String(listening.address)).port),
        credentials: {
          accessKeyId: String(credentials.accessKeyId),
          accessKeySecret: String(credentials.accessKeySecret),
        },
      };
    }
    assert.ok(child.exitCode === null, `serve exited: ${output.stderr()}`);
    assert.ok(Date.now() < deadline, `serve did not start: ${output.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** `CHECKS` identical allowed checks, then the audit counters once all are accounted for. */
async function checkAndCount(name: string, audit: Record<string, unknown>) {
  const { port, credentials } = await serveWith(name, audit);
  for (let i = 0; i < CHECKS; i++) {
    const reply = await viaNginx(port, signOriginal({ credentials, path: '/instances' }));
    assert.equal(reply.status, 200, reply.text);
  }
  // Records reach the sink after their responses, and are written within flushIntervalMs (1 s).
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = (await send(port, { path: '/metrics' })).text;
    const value = (metric: string) => Number(new RegExp(`^${metric} (\\d+)$`, 'm').exec(text)?.[1]);
    const counts = {
      written: value('keyfence_audit_events_written_total'),
      coalesced: value('keyfence_audit_requests_coalesced_total'),
    };
    if (counts.written + counts.coalesced >= CHECKS) return counts;
    assert.ok(Date.now() < deadline, `the checks were not all counted: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('audit.coalesce in keyfence serve', () => {
  test('by default identical checks are folded into fewer events', async () => {
    const { written, coalesced } = await checkAndCount('default', {});
    assert.equal(written + coalesced, CHECKS);
    assert.ok(coalesced > 0, `${written} events, ${coalesced} folded`);
  });

  test('with coalesce: false every check is an event', async () => {
    assert.deepEqual(await checkAndCount('off', { coalesce: false }), { written: CHECKS, coalesced: 0 });
  });
});
