/**
 * An STS SecurityToken past its expiry is answered `InvalidSecurityToken.Expired` whether or not
 * housekeeping has deleted its credential: the expiry is read, authenticated, from the token.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { serverConfig } from '../../../src/config/server-config.js';
import { ALL_ACTIONS } from '../../../src/server/actions/index.js';
import { createServer } from '../../../src/server/keyfence-server.js';
import { MasterKey, openStore, type RoleName } from '../../../src/store/index.js';
import {
  type Credentials,
  call,
  expectError,
  expectSuccess,
  MemoryAuditSink,
  testListener,
} from '../../support/server-harness.js';

const STS_VERSION = '2015-04-01';
let clock = new Date();
const now = () => clock;

const dir = await mkdtemp(join(tmpdir(), 'keyfence-expired-token-'));
const store = await openStore({
  dialect: 'sqlite',
  file: join(dir, 'keyfence.db'),
  masterKey: MasterKey.generate(),
  clock: now,
});
after(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** A started node over the shared store, closed after the file. */
async function startNode(): Promise<number> {
  const server = createServer({
    config: serverConfig(),
    store,
    actions: ALL_ACTIONS,
    auditSink: new MemoryAuditSink(),
    now,
  });
  after(() => server.close());
  const [url] = await server.start([testListener()]);
  return Number(new URL(url!).port);
}

const { accountId, root } = await store.write(async (tx) => {
  const account = await tx.createAccount();
  const key = await tx.createAccessKey(account.accountId);
  await tx.createRole(account.accountId, {
    roleName: 'reader' as RoleName,
    assumeRolePolicyDocument: JSON.stringify({
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { RAM: [`acs:ram::${account.accountId}:root`] },
        },
      ],
    }),
  });
  return {
    accountId: account.accountId,
    root: { accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret },
  };
});

const callerIdentity = (port: number, credentials: Credentials, signature: 'v3' | 'v2') =>
  call(port, { action: 'GetCallerIdentity', version: STS_VERSION, credentials, signature, time: clock });

describe('an expired STS token after housekeeping', () => {
  test('is still InvalidSecurityToken.Expired, not an unknown key, on any node', async () => {
    const first = await startNode();
    const assumed = expectSuccess(
      await call(first, {
        action: 'AssumeRole',
        version: STS_VERSION,
        credentials: root,
        params: {
          RoleArn: `acs:ram::${accountId}:role/reader`,
          RoleSessionName: 'expiry',
          DurationSeconds: '900',
        },
        time: clock,
      }),
    ).Credentials;
    const sts: Credentials = {
      accessKeyId: assumed.AccessKeyId,
      accessKeySecret: assumed.AccessKeySecret,
      securityToken: assumed.SecurityToken,
    };
    expectSuccess(await callerIdentity(first, sts, 'v3'));

    clock = new Date(clock.getTime() + 901_000);
    expectError(await callerIdentity(first, sts, 'v3'), 400, 'InvalidSecurityToken.Expired');
    // Housekeeping's chore, then a node that never held the credential (a restart, another node).
    assert.equal(await store.purgeExpiredTemporaryCredentials(), 1);
    const second = await startNode();
    for (const signature of ['v3', 'v2'] as const) {
      expectError(await callerIdentity(second, sts, signature), 400, 'InvalidSecurityToken.Expired');
    }

    // The token decides nothing else: with another key ID, or altered, the key is simply unknown.
    const otherKey = { ...sts, accessKeyId: 'STS.NUgYrLnoC37mZZCNnAbez2EZT' };
    expectError(await callerIdentity(second, otherKey, 'v3'), 404, 'InvalidAccessKeyId.NotFound');
    const altered = { ...sts, securityToken: `${sts.securityToken!.slice(0, -1)}x` };
    expectError(await callerIdentity(second, altered, 'v3'), 404, 'InvalidAccessKeyId.NotFound');
  });
});
