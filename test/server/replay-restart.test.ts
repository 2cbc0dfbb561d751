/**
 * A signed request is accepted at most once across restarts of the real `keyfence serve`
 * (bin/keyfence.js, so `npm run build` first): a captured SetAccessKeyPolicyForAccount, V3 and
 * V2, sent again after a kill -9 or a graceful stop, on the same data directory, is refused with
 * SignatureNonceUsed. With `replayProtection: memory` a restart forgets, as documented.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  captureOutput,
  type Exit,
  jsonLines,
  REPO_ROOT,
  type RootCredentials,
} from '../interop/support/keyfence-process.js';
import { assertBuilt } from '../sync/support/cluster.js';
import { type RawRequest, send, signedRequest } from './support.js';

interface Serving {
  readonly child: ChildProcess;
  readonly port: number;
  readonly exited: Promise<Exit>;
  /** Printed on the first start only. */
  readonly root: RootCredentials | undefined;
}

const dirs: string[] = [];
const children: ChildProcess[] = [];
after(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function newDataDir(replayProtection?: 'memory'): { dataDir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), 'keyfence-replay-'));
  dirs.push(dir);
  const config = join(dir, 'keyfence.json');
  writeFileSync(config, JSON.stringify(replayProtection === undefined ? {} : { replayProtection }));
  return { dataDir: join(dir, 'data'), config };
}

async function serve(dataDir: string, config: string): Promise<Serving> {
  const env = { ...process.env };
  delete env.KEYFENCE_MASTER_KEY;
  delete env.KEYFENCE_LISTEN;
  const child = spawn(
    process.execPath,
    ['bin/keyfence.js', 'serve', '--config', config, '--data', dataDir, '--listen', '127.0.0.1:0'],
    { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  const output = captureOutput(child);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const listening = jsonLines(output.stderr()).find((line) => line.msg === 'listening');
    if (listening !== undefined) {
      const root = jsonLines(output.stdout()).find((line) => typeof line.accessKeySecret === 'string');
      return {
        child,
        port: Number(new URL(String(listening.address)).port),
        exited: output.exited,
        root: root as RootCredentials | undefined,
      };
    }
    assert.ok(child.exitCode === null && Date.now() < deadline, `serve did not start:\n${output.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The same call signed V3 and V2: each request exactly as an eavesdropper would have captured it. */
function capturedCalls(port: number, root: RootCredentials): Record<'v3' | 'v2', RawRequest> {
  const spec = (signature: 'v3' | 'v2', ip: string) =>
    signedRequest(port, {
      action: 'SetAccessKeyPolicyForAccount',
      params: {
        AccessKeyPolicy: JSON.stringify({
          Version: 1,
          Status: 'Active',
          Statements: [{ Type: 'ClassicWhiteList', IPList: ['127.0.0.1', ip] }],
        }),
      },
      credentials: root,
      signature,
    });
  return { v3: spec('v3', '192.0.2.3'), v2: spec('v2', '192.0.2.2') };
}

async function expectCode(port: number, request: RawRequest, status: number, code: string | undefined) {
  const reply = await send(port, request);
  assert.equal(reply.status, status, reply.text);
  assert.equal(reply.body?.Code, code, reply.text);
}

async function acceptThenRestart(
  stop: (serving: Serving) => Promise<void>,
  replayProtection?: 'memory',
): Promise<{ again: Serving; calls: Record<'v3' | 'v2', RawRequest>; root: RootCredentials }> {
  const { dataDir, config } = newDataDir(replayProtection);
  const first = await serve(dataDir, config);
  assert.ok(first.root, 'the first start prints the root credentials');
  const calls = capturedCalls(first.port, first.root);
  for (const request of Object.values(calls)) await expectCode(first.port, request, 200, undefined);
  await stop(first);
  const again = await serve(dataDir, config);
  return { again, calls, root: first.root };
}

async function stopNow(again: Serving): Promise<void> {
  again.child.kill('SIGTERM');
  await again.exited;
}

describe('a captured signed request, replayed after a restart', () => {
  test('kill -9: refused with SignatureNonceUsed, V3 and V2 alike', async () => {
    assertBuilt();
    const { again, calls, root } = await acceptThenRestart(async (first) => {
      first.child.kill('SIGKILL');
      assert.equal((await first.exited).signal, 'SIGKILL');
    });
    await expectCode(again.port, calls.v3, 400, 'SignatureNonceUsed');
    await expectCode(again.port, calls.v2, 400, 'SignatureNonceUsed');
    // The node itself is fine: a freshly signed call is accepted.
    await expectCode(again.port, capturedCalls(again.port, root).v3, 200, undefined);
    await stopNow(again);
  });

  test('graceful stop (SIGTERM): refused with SignatureNonceUsed', async () => {
    assertBuilt();
    const { again, calls } = await acceptThenRestart(async (first) => {
      first.child.kill('SIGTERM');
      assert.equal((await first.exited).code, 0);
    });
    await expectCode(again.port, calls.v3, 400, 'SignatureNonceUsed');
    await expectCode(again.port, calls.v2, 400, 'SignatureNonceUsed');
    await stopNow(again);
  });

  test('replayProtection: memory forgets at a restart (the documented trade-off)', async () => {
    assertBuilt();
    const { again, calls } = await acceptThenRestart(async (first) => {
      first.child.kill('SIGTERM');
      await first.exited;
    }, 'memory');
    await expectCode(again.port, calls.v3, 200, undefined);
    // Still refused within the process.
    await expectCode(again.port, calls.v3, 400, 'SignatureNonceUsed');
    await stopNow(again);
  });
});
