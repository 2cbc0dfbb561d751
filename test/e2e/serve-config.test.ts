/**
 * `keyfence serve --config FILE` as installed: the built `bin/keyfence.js` (run `npm run build`
 * first) with a YAML file declaring two listeners, one plain and one taking PROXY v2, both
 * answering signed calls with the source each is meant to see.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { captureOutput, jsonLines } from '../support/keyfence-process.js';
import { v2 } from '../support/proxy-protocol.js';
import { call, expectError, expectSuccess, send, signedRequest } from '../support/server-harness.js';

const dir = await mkdtemp(join(tmpdir(), 'keyfence-serve-config-'));
after(() => rm(dir, { recursive: true, force: true }));

const BIN = join(process.cwd(), 'bin', 'keyfence.js');
const BUILT = join(process.cwd(), 'dist', 'config', 'load-config.js');

function serve(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', ...args], {
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('KEYFENCE_'))),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captureOutput(child);
  after(() => {
    child.kill('SIGKILL');
  });
  return { ...output, child, exited: output.exited.then((exit) => exit.code) };
}

type Running = ReturnType<typeof serve>;

async function listeningLine(running: Running): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const line = jsonLines(running.stderr()).find((l) => l.msg === 'listening');
    if (line !== undefined) return line;
    const state = await Promise.race([running.exited, new Promise((r) => setTimeout(r, 50, 'running'))]);
    assert.equal(state, 'running', `serve exited early: ${running.stderr()}`);
    assert.ok(Date.now() < deadline, 'serve did not start in time');
  }
}

/** A signed call over a connection that starts with a PROXY v2 header naming `source`. */
function callThroughProxy(
  port: number,
  source: string,
  credentials: { accessKeyId: string; accessKeySecret: string },
) {
  const raw = signedRequest(port, { action: 'GetCallerIdentity', version: '2015-04-01', credentials });
  return send(port, raw, {
    createConnection: () => {
      const socket = connect(port, '127.0.0.1');
      socket.write(v2({ source: { address: source, port: 40_000 } }));
      return socket;
    },
  });
}

describe('keyfence serve --config', () => {
  test('two listeners from a YAML file, one plain and one behind PROXY v2, both answer', async () => {
    assert.ok(existsSync(BUILT), 'dist/ is missing or stale: run `npm run build` first');
    const data = join(dir, 'data');
    const config = join(dir, 'keyfence.yaml');
    await writeFile(
      config,
      `
data: ${JSON.stringify(data)}
nodeId: test-node
listeners:
  - listen: 127.0.0.1:0
  - listen: 127.0.0.1:0
    proxyProtocol: v2
    proxyProtocolFrom: [127.0.0.1/32]
`,
    );
    const running = serve(['--config', config]);
    const line = await listeningLine(running);
    const listeners = line.listeners as { address: string; role: string; proxyProtocol: string }[];
    assert.deepEqual(
      listeners.map((l) => [l.role, l.proxyProtocol]),
      [
        ['api', 'off'],
        ['api', 'v2'],
      ],
    );
    assert.equal(line.address, listeners[0]!.address);
    assert.equal(line.nodeId, 'test-node');
    const [plainPort, proxyPort] = listeners.map((l) => Number(new URL(l.address).port)) as [number, number];
    assert.notEqual(plainPort, proxyPort);

    const credentials = JSON.parse(running.stdout().trim());
    expectSuccess(await call(plainPort, { action: 'GetCallerIdentity', version: '2015-04-01', credentials }));
    expectSuccess(await callThroughProxy(proxyPort, '198.51.100.7', credentials));

    // A policy that allows only the PROXY source: the plain listener's 127.0.0.1 is now denied.
    const policy = JSON.stringify({
      Version: 1,
      Status: 'Active',
      Statements: [{ Type: 'ClassicWhiteList', IPList: ['198.51.100.7', '127.0.0.1'] }],
    });
    expectSuccess(
      await call(plainPort, {
        action: 'SetAccessKeyPolicy',
        params: { UserAccessKeyId: credentials.accessKeyId, AccessKeyPolicy: policy },
        credentials,
      }),
    );
    const narrowed = JSON.stringify({
      Version: 1,
      Status: 'Active',
      Statements: [{ Type: 'ClassicWhiteList', IPList: ['198.51.100.7'] }],
    });
    expectSuccess(
      await call(plainPort, {
        action: 'SetAccessKeyPolicy',
        params: {
          UserAccessKeyId: credentials.accessKeyId,
          AccessKeyPolicy: narrowed,
          IgnoreLockoutCheck: 'true',
        },
        credentials,
      }),
    );
    expectSuccess(await callThroughProxy(proxyPort, '198.51.100.7', credentials));
    expectError(
      await callThroughProxy(proxyPort, '198.51.100.8', credentials),
      400,
      'InvalidAccessKeyId.AccessPolicyDenied',
    );
    expectError(
      await call(plainPort, { action: 'GetCallerIdentity', version: '2015-04-01', credentials }),
      400,
      'InvalidAccessKeyId.AccessPolicyDenied',
    );

    running.child.kill('SIGTERM');
    assert.equal(await running.exited, 0);
  });

  test('a PROXY listener nobody may send the header to is refused, naming it', async () => {
    // As tried behind HAProxy: trustedProxies used to stand in for proxyProtocolFrom, so this
    // started, and a client inside 127.0.0.0/8 could name any address in X-Forwarded-For.
    const config = join(dir, 'no-balancer.yaml');
    await writeFile(
      config,
      'trustedProxies: [127.0.0.0/8]\nlisteners:\n  - listen: 127.0.0.1:0\n  - listen: 127.0.0.1:0\n    proxyProtocol: v1\n',
    );
    const running = serve(['--config', config, '--data', join(dir, 'no-balancer-data')]);
    const stillRunning = new Promise((resolve) => setTimeout(resolve, 15_000, 'still running').unref());
    assert.equal(await Promise.race([running.exited, stillRunning]), 1, running.stderr());
    assert.match(
      running.stderr(),
      /^keyfence serve: listeners\[1\]\.proxyProtocolFrom: a proxyProtocol listener believes the header only from the addresses listed here/,
    );
  });

  test('a bad file is refused before anything starts, every problem on its own line', async () => {
    const config = join(dir, 'bad.yaml');
    await writeFile(
      config,
      'listeners:\n  - listen: 127.0.0.1:0\n    proxyProtocol: v3\nsync: {pollIntervalMs: 0}\n',
    );
    const running = serve(['--config', config, '--listen', 'nowhere']);
    assert.equal(await running.exited, 1);
    assert.equal(running.stdout(), '');
    assert.deepEqual(running.stderr().trim().split('\n'), [
      'keyfence serve: --listen: "nowhere" is not HOST:PORT (write an IPv6 host in brackets: [::1]:8080) (Config.InvalidValue)',
      'keyfence serve: listeners[0].proxyProtocol: expected one of off, v1, v2, any, got "v3" (Config.InvalidValue)',
      'keyfence serve: sync.pollIntervalMs: expected a whole number from 1 to 2147483647, got 0 (Config.InvalidValue)',
    ]);
  });
});
