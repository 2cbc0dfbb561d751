/**
 * A report-only candidate staged through one node is evaluated by another node on the same
 * PostgreSQL database, within the usual propagation delay, and deleting it there stops it: two
 * servers in this process, each with its own store connection and decision index.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { StoreAuditSink } from '../../../src/audit/store-audit-sink.js';
import { serverConfig } from '../../../src/config/server-config.js';
import { ALL_ACTIONS } from '../../../src/server/actions/index.js';
import { createServer } from '../../../src/server/keyfence-server.js';
import { useDialects } from '../../store/support/dialects.js';
import { storeHarness } from '../../store/support/store-harness.js';
import {
  type Credentials,
  call,
  expectSuccess,
  loopbackProxies,
  testListener,
} from '../../support/server-harness.js';
import { classic, KEYFENCE_VERSION } from './support/check-server.js';

const postgres = useDialects().find((fixture) => fixture.name === 'postgres')!;

describe('report-only candidates across nodes on postgres', async () => {
  const harness = storeHarness(postgres);
  const { store: first, config } = await harness.fresh();
  const second = await harness.open(config);
  const { root, alice } = await first.write(async (tx) => {
    const account = await tx.createAccount();
    const rootKey = await tx.createAccessKey(account.accountId);
    const aliceKey = await tx.createAccessKey(account.accountId);
    return {
      root: { accessKeyId: rootKey.accessKeyId, accessKeySecret: rootKey.accessKeySecret },
      alice: { accessKeyId: aliceKey.accessKeyId, accessKeySecret: aliceKey.accessKeySecret },
    };
  });
  const ports: number[] = [];
  for (const store of [first, second]) {
    const sink = new StoreAuditSink(store, { flushIntervalMs: 3_600_000 });
    const server = createServer({
      store,
      actions: ALL_ACTIONS,
      config: serverConfig({ trustedProxies: loopbackProxies, sync: { pollIntervalMs: 25 } }),
      auditSink: sink,
    });
    const [url] = await server.start([testListener()]);
    after(async () => {
      await server.close();
      await sink.close();
    });
    ports.push(Number(new URL(url!).port));
  }
  const [a, b] = ports as [number, number];
  const keyfence = (
    port: number,
    action: string,
    params: Record<string, string>,
    credentials: Credentials = root,
  ) => call(port, { action, version: KEYFENCE_VERSION, credentials, params });
  const candidateOn = async (port: number) =>
    expectSuccess(
      await keyfence(port, 'CheckAccessKeyAccess', {
        AccessKeyId: alice.accessKeyId,
        SourceIp: '203.0.113.9',
      }),
    ).Candidate;
  async function until(condition: () => Promise<boolean>, what: string): Promise<number> {
    const started = Date.now();
    while (!(await condition())) {
      assert.ok(Date.now() - started < 5000, what);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return Date.now() - started;
  }

  test('staged on one node, evaluated on the other; deleted there, gone on both', async () => {
    const staged = expectSuccess(
      await keyfence(a, 'SetAccessKeyPolicyCandidate', {
        UserAccessKeyId: alice.accessKeyId,
        AccessKeyPolicy: JSON.stringify(classic('198.51.100.0/24')),
      }),
    );
    await until(async () => (await candidateOn(b)) !== undefined, 'node b never evaluated the candidate');
    assert.deepEqual(await candidateOn(b), {
      Allowed: false,
      Reason: 'public-ip-not-allowed',
      Scope: 'AccessKey',
      StatementIndex: null,
      PolicyVersion: staged.CandidateVersion,
    });
    const reply = await call(b, {
      action: 'GetCallerIdentity',
      version: '2015-04-01',
      credentials: alice,
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    assert.equal(reply.status, 200, 'report-only: the call still passes');

    expectSuccess(
      await keyfence(b, 'DeleteAccessKeyPolicyCandidate', { UserAccessKeyId: alice.accessKeyId }),
    );
    await until(
      async () => (await candidateOn(a)) === undefined,
      'node a kept evaluating a deleted candidate',
    );
    assert.equal(await candidateOn(b), undefined);
  });
});
