/**
 * Fail-static, never fail-open (docs/fail-static.md): a real `keyfence serve` (bin/keyfence.js, so run
 * `npm run build` first) on a PostgreSQL server of its own, which the test stops mid-traffic and
 * starts again on the same data and port. Three credentials keep calling STS GetCallerIdentity:
 * key A, allowed by its policy; key B, denied by the last committed policy; an STS credential
 * issued before the outage.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { parsePolicy } from '../../src/policy/parse-policy.js';
import {
  type AccessKeyId,
  type AccountId,
  type KeyFenceStore,
  openStore,
  type RoleName,
  readMasterKeyFile,
} from '../../src/store/index.js';
import { REPO_ROOT } from '../support/keyfence-process.js';
import {
  type RestartablePostgres,
  startRestartablePostgres,
  withClient,
} from '../support/postgres-server.js';
import { type Credentials, call, classicPolicy, type Reply, send } from '../support/server-harness.js';

const STS_VERSION = '2015-04-01';
const DENIED = 'InvalidAccessKeyId.AccessPolicyDenied';
const BIN = join(REPO_ROOT, 'bin', 'keyfence.js');

type Who = 'A' | 'B' | 'STS';
type Phase = 'before' | 'outage' | 'after' | 'switching' | 'opened';

interface Outcome {
  readonly who: Who;
  readonly phase: Phase;
  readonly status: number;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
}

/** Refuses to test a stale build: the process under test must run the sources in this tree. */
async function assertBuildIsCurrent(): Promise<void> {
  const built = await stat(join(REPO_ROOT, 'dist', 'cli', 'main.js')).catch(() => undefined);
  assert.ok(built, 'dist/ is missing: run `npm run build` before this test');
  const newest = async (dir: string): Promise<number> => {
    let latest = 0;
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      latest = Math.max(latest, entry.isDirectory() ? await newest(path) : (await stat(path)).mtimeMs);
    }
    return latest;
  };
  const builtAt = Math.min(
    ...(await Promise.all(
      (
        await readdir(join(REPO_ROOT, 'dist'), { recursive: true })
      )
        .filter((name) => name.endsWith('.js'))
        .map(async (name) => (await stat(join(REPO_ROOT, 'dist', name))).mtimeMs),
    )),
  );
  assert.ok(
    builtAt >= (await newest(join(REPO_ROOT, 'src'))),
    'dist/ is older than src/: run `npm run build`',
  );
}

const cliEnv = () =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'KEYFENCE_MASTER_KEY'));

interface Serving {
  readonly child: ChildProcess;
  readonly port: number;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

async function serve(dataDir: string, databaseUrl: string): Promise<Serving> {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--data', dataDir, '--database-url', databaseUrl, '--listen', '127.0.0.1:0'],
    { env: cliEnv(), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const line = stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'listening');
    if (line !== undefined) {
      return { child, port: Number(new URL(String(line.address)).port), stderr: () => stderr, exited };
    }
    assert.equal(child.exitCode, null, `serve exited early:\n${stderr}`);
    assert.ok(Date.now() < deadline, `serve did not start:\n${stderr}`);
    await delay(25);
  }
}

async function readyz(port: number): Promise<Reply> {
  return send(port, { path: '/readyz' });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
    await delay(50);
  }
}

describe('a node whose database goes away mid-traffic', () => {
  let postgres: RestartablePostgres;
  let databaseUrl: string;
  let dataDir: string;
  let store: KeyFenceStore;
  let node: Serving;
  let accountId: AccountId;
  let keyA: Credentials;
  let keyB: Credentials;
  let sts: Credentials;

  before(async () => {
    await assertBuildIsCurrent();
    postgres = await startRestartablePostgres();
    databaseUrl = await postgres.createDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'keyfence-fail-static-'));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [BIN, 'init', '--data', dataDir, '--database-url', databaseUrl],
      { env: cliEnv() },
    );
    const root = JSON.parse(stdout) as { accountId: AccountId; accessKeyId: string; accessKeySecret: string };
    accountId = root.accountId;
    keyA = { accessKeyId: root.accessKeyId, accessKeySecret: root.accessKeySecret };
    // The test's own connection: "another process" writing to the store, as another node or the CLI would.
    store = await openStore({
      dialect: 'postgres',
      connectionString: databaseUrl,
      masterKey: await readMasterKeyFile(join(dataDir, 'master.key')),
    });
    const setUp = await store.write(async (tx) => {
      const b = await tx.createAccessKey(accountId);
      await tx.createRole(accountId, {
        roleName: 'deployer' as RoleName,
        assumeRolePolicyDocument: '{"Statement":[]}',
      });
      const issued = await tx.issueTemporaryCredential(accountId, 'deployer' as RoleName, {
        roleSessionName: 'before-outage',
        sourceIdentity: root.accessKeyId,
      });
      return { b, issued };
    });
    keyB = { accessKeyId: setUp.b.accessKeyId, accessKeySecret: setUp.b.accessKeySecret };
    sts = {
      accessKeyId: setUp.issued.accessKeyId,
      accessKeySecret: setUp.issued.accessKeySecret,
      securityToken: setUp.issued.securityToken,
    };
    await setKeyPolicy(keyA.accessKeyId, classicPolicy('127.0.0.1'));
    await setKeyPolicy(keyB.accessKeyId, classicPolicy('192.0.2.1'));
    node = await serve(dataDir, databaseUrl);
  });

  after(async () => {
    if (node !== undefined && node.child.exitCode === null) {
      node.child.kill('SIGKILL');
      await node.exited;
    }
    await store?.close();
    await postgres?.stop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  async function setKeyPolicy(accessKeyId: string, policy: unknown): Promise<number> {
    const parsed = parsePolicy(JSON.stringify(policy));
    assert.ok(parsed.ok);
    const set = await store.write((tx) =>
      tx.setPolicy(
        { scope: 'accessKey', accountId, accessKeyId: accessKeyId as AccessKeyId },
        parsed.canonical,
        {
          actor: 'test',
        },
      ),
    );
    return set.version;
  }

  test('keeps deciding from memory, says it is stale, refuses writes cleanly, catches up, and loses no audit event', async () => {
    const outcomes: Outcome[] = [];
    let phase: Phase = 'before';
    let running = true;
    const credentials: Record<Who, Credentials> = { A: keyA, B: keyB, STS: sts };
    const traffic = (async () => {
      while (running) {
        await Promise.all(
          (['A', 'B', 'STS'] as const).map(async (who) => {
            const at = phase;
            const reply = await call(node.port, {
              action: 'GetCallerIdentity',
              version: STS_VERSION,
              credentials: credentials[who],
            });
            // A call that overlapped the policy change may see either policy.
            const end: Phase = phase;
            const overlapped = at !== end && (end === 'switching' || end === 'opened');
            outcomes.push({
              who,
              phase: overlapped ? 'switching' : at,
              status: reply.status,
              code: reply.body?.Code,
              requestId: reply.body?.RequestId,
            });
          }),
        );
        await delay(5);
      }
    })();
    const requestIds: string[] = [];

    // Before: the store answers.
    await delay(800);
    const fresh = await readyz(node.port);
    assert.equal(fresh.status, 200);
    assert.equal(fresh.body.stale, false);
    const versionBefore = await store.currentVersion();

    // The outage.
    await postgres.pause();
    phase = 'outage';
    const write = await call(node.port, {
      action: 'SetAccessKeyPolicy',
      params: {
        UserAccessKeyId: keyB.accessKeyId,
        AccessKeyPolicy: JSON.stringify(classicPolicy('127.0.0.1')),
      },
      credentials: keyA,
    });
    assert.equal(write.status, 503, write.text);
    // The outage has begun for the node by now: this write failed on it.
    const writeRefusedAt = Date.now();
    assert.equal(write.body.Code, 'ServiceUnavailable');
    assert.match(write.body.Message, /store is unreachable.*nothing was changed/);
    requestIds.push(write.body.RequestId);
    const stale = await until('/readyz says stale', async () => {
      const reply = await readyz(node.port);
      assert.equal(reply.status, 200, 'a stale node stays in the load balancer');
      return reply.body.stale === true ? reply : undefined;
    });
    assert.equal(stale.body.status, 'ready');
    assert.ok(stale.body.staleForMs > 5000, JSON.stringify(stale.body));
    assert.equal((await send(node.port, { path: '/healthz' })).status, 200);
    await delay(500);

    // What waits for the store is on disk, private, and holds no secret.
    const spoolDir = join(dataDir, 'audit-spool');
    assert.equal((await stat(spoolDir)).mode & 0o777, 0o700);
    const spooled = await until('audit events are spooled', async () => {
      const files = await readdir(spoolDir);
      return files.length > 0 ? files : undefined;
    });
    for (const file of spooled) {
      assert.equal((await stat(join(spoolDir, file))).mode & 0o777, 0o600);
      const text = await readFile(join(spoolDir, file), 'utf8');
      for (const secret of [
        keyA.accessKeySecret,
        keyB.accessKeySecret,
        sts.accessKeySecret,
        sts.securityToken!,
      ]) {
        assert.ok(!text.includes(secret), 'a spool file holds a credential');
      }
    }

    // The database returns.
    const resumedAt = Date.now();
    await postgres.resume();
    phase = 'after';
    await until('/readyz is no longer stale', async () => {
      const reply = await readyz(node.port);
      return reply.body.stale === false ? reply : undefined;
    });
    assert.equal(await store.currentVersion(), versionBefore, 'the refused write left nothing behind');
    assert.match(
      (await store.getPolicy({ scope: 'accessKey', accountId, accessKeyId: keyB.accessKeyId as AccessKeyId }))
        .policy ?? '',
      /192\.0\.2\.1/,
    );

    // A policy written by another process after the restart is enforced.
    phase = 'switching';
    const opened = await setKeyPolicy(keyB.accessKeyId, classicPolicy('127.0.0.1'));
    await until('the node enforces the new policy', async () => {
      const reply = await readyz(node.port);
      return reply.body.appliedVersion >= opened ? reply : undefined;
    });
    phase = 'opened';
    await until('key B is allowed', async () =>
      outcomes.some((o) => o.who === 'B' && o.phase === 'opened' && o.status === 200) ? true : undefined,
    );
    running = false;
    await traffic;

    // Nothing allowed by the last committed policy failed; nothing it denied passed.
    const during = (who: Who) => outcomes.filter((o) => o.who === who && o.phase === 'outage');
    for (const who of ['A', 'B', 'STS'] as const)
      assert.ok(during(who).length >= 20, `${who} called during the outage`);
    for (const o of outcomes) {
      if (o.phase === 'switching') continue;
      const expected =
        o.who === 'B' && o.phase !== 'opened'
          ? { status: 400, code: DENIED }
          : { status: 200, code: undefined };
      assert.deepEqual({ status: o.status, code: o.code }, expected, `${o.who} during ${o.phase}`);
    }

    // Every request's audit event reached the store, once.
    for (const o of outcomes) requestIds.push(o.requestId!);
    const missing = await until(
      'every audit event is stored',
      async () => {
        const stored = new Set(
          await withClient(databaseUrl, async (client) =>
            (await client.query<{ request_id: string }>('select request_id from audit_events')).rows.map(
              (r) => r.request_id,
            ),
          ),
        );
        const lost = requestIds.filter((id) => !stored.has(id));
        return lost.length === 0 ? lost : undefined;
      },
      30_000,
    );
    assert.deepEqual(missing, []);
    const duplicated = await withClient(
      databaseUrl,
      async (client) =>
        (await client.query('select request_id from audit_events group by request_id having count(*) > 1'))
          .rows,
    );
    assert.deepEqual(duplicated, []);
    await until('the spool is empty', async () =>
      (await readdir(spoolDir)).length === 0 ? true : undefined,
    );

    node.child.kill('SIGTERM');
    assert.equal(await node.exited, 0, node.stderr());

    // The outage is logged as it starts and as it ends, not once per failed poll, heartbeat,
    // audit flush and refused write, and without stack traces: nothing in it was unexpected.
    const lines = node
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const said = (msg: string) => lines.filter((l) => l.msg === msg);
    assert.equal(
      said(
        'the store is unreachable: serving from memory; failures are summed up periodically until it answers',
      ).length,
      1,
      node.stderr(),
    );
    const back = said('the store is reachable again');
    assert.equal(back.length, 1, node.stderr());
    // From the first failure (at the latest, the refused write) to the first success (at the
    // earliest, the resume): the staleness' 5 s count from the last contact, before either.
    assert.ok(Number(back[0]!.downForMs) >= resumedAt - writeRefusedAt, JSON.stringify(back[0]));
    assert.deepEqual(
      lines.filter((l) => Number(l.level) >= 50 && l.err !== undefined),
      [],
      'an error line with a stack trace',
    );
    assert.ok(!node.stderr().includes(keyA.accessKeySecret), 'a secret reached the log');
  });
});
