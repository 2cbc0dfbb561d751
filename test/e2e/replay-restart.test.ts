/**
 * A signed request is accepted at most once across restarts of the real `keyfence serve`
 * (bin/keyfence.js, so `npm run build` first): a captured SetAccessKeyPolicyForAccount, V3 and
 * V2, sent again after a kill -9 or a graceful stop, on the same data directory, is refused with
 * SignatureNonceUsed. With `replayProtection: memory` a restart forgets, as documented.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { assertBuilt } from '../support/cluster.js';
import { type KeyFenceProcess, startKeyFence } from '../support/keyfence-process.js';
import { capturedPolicyChange } from '../support/replay.js';
import { type RawRequest, send } from '../support/server-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'keyfence-replay-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const memoryConfig = join(dir, 'memory.json');
writeFileSync(memoryConfig, JSON.stringify({ replayProtection: 'memory' }));

/** `keyfence serve`, stopped (and its data directory removed) after the file's tests. */
async function serve(options: Parameters<typeof startKeyFence>[0]): Promise<KeyFenceProcess> {
  const server = await startKeyFence({ built: true, ...options });
  after(() => server.stop());
  return server;
}

/** The same call signed V3 and V2: each request exactly as an eavesdropper would have captured it. */
function capturedCalls(server: KeyFenceProcess): Record<'v3' | 'v2', RawRequest> {
  return {
    v3: capturedPolicyChange(server.port, server.root, 'v3', '192.0.2.3'),
    v2: capturedPolicyChange(server.port, server.root, 'v2', '192.0.2.2'),
  };
}

async function expectCode(port: number, request: RawRequest, status: number, code: string | undefined) {
  const reply = await send(port, request);
  assert.equal(reply.status, status, reply.text);
  assert.equal(reply.body?.Code, code, reply.text);
}

async function acceptThenRestart(
  stop: (first: KeyFenceProcess) => Promise<void>,
  config?: string,
): Promise<{ again: KeyFenceProcess; calls: Record<'v3' | 'v2', RawRequest> }> {
  const first = await serve({ config });
  const calls = capturedCalls(first);
  for (const request of Object.values(calls)) await expectCode(first.port, request, 200, undefined);
  await stop(first);
  const again = await serve({ config, restart: { dataDir: first.dataDir, root: first.root } });
  return { again, calls };
}

describe('a captured signed request, replayed after a restart', () => {
  test('kill -9: refused with SignatureNonceUsed, V3 and V2 alike', async () => {
    assertBuilt();
    const { again, calls } = await acceptThenRestart(async (first) => {
      assert.equal((await first.crash()).signal, 'SIGKILL');
    });
    await expectCode(again.port, calls.v3, 400, 'SignatureNonceUsed');
    await expectCode(again.port, calls.v2, 400, 'SignatureNonceUsed');
    // The node itself is fine: a freshly signed call is accepted.
    await expectCode(again.port, capturedCalls(again).v3, 200, undefined);
    await again.stop();
  });

  test('graceful stop (SIGTERM): refused with SignatureNonceUsed', async () => {
    assertBuilt();
    const { again, calls } = await acceptThenRestart(async (first) => {
      assert.equal((await first.stop({ keepData: true })).code, 0);
    });
    await expectCode(again.port, calls.v3, 400, 'SignatureNonceUsed');
    await expectCode(again.port, calls.v2, 400, 'SignatureNonceUsed');
    await again.stop();
  });

  test('replayProtection: memory forgets at a restart (the documented trade-off)', async () => {
    assertBuilt();
    const { again, calls } = await acceptThenRestart(async (first) => {
      await first.stop({ keepData: true });
    }, memoryConfig);
    await expectCode(again.port, calls.v3, 200, undefined);
    // Still refused within the process.
    await expectCode(again.port, calls.v3, 400, 'SignatureNonceUsed');
    await again.stop();
  });
});
