/**
 * `audit.coalesce` from the configuration file reaches the audit sink of the real `keyfence serve`
 * (the built CLI: `npm run build` first): identical forward-auth checks are folded by default and
 * not with `coalesce: false`, as /metrics counts them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { signOriginal, viaNginx } from '../server/forward-auth/support.js';
import { type KeyFenceProcess, startKeyFence } from '../support/keyfence-process.js';
import { send } from '../support/server-harness.js';

const CHECKS = 5;
const root = await mkdtemp(join(tmpdir(), 'keyfence-coalesce-serve-'));
after(() => rm(root, { recursive: true, force: true }));

/** Runs `keyfence serve --config` with `audit` as given. */
async function serveWith(name: string, audit: Record<string, unknown>): Promise<KeyFenceProcess> {
  const config = join(root, `${name}.json`);
  await writeFile(config, JSON.stringify({ trustedProxies: ['127.0.0.1'], audit }));
  const server = await startKeyFence({ built: true, config });
  after(() => server.stop());
  return server;
}

/** `CHECKS` identical allowed checks, then the audit counters once all are accounted for. */
async function checkAndCount(name: string, audit: Record<string, unknown>) {
  const { port, root: credentials } = await serveWith(name, audit);
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
