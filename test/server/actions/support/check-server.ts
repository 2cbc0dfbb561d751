import assert from 'node:assert/strict';
import { after } from 'node:test';
import { StoreAuditSink } from '../../../../src/audit/store-audit-sink.js';
import { serverConfig } from '../../../../src/config/server-config.js';
import { parsePolicy } from '../../../../src/policy/parse-policy.js';
import { ALL_ACTIONS } from '../../../../src/server/actions/index.js';
import { createServer } from '../../../../src/server/keyfence-server.js';
import type { AccessKeyId, AccountId, KeyFenceStore, UserName } from '../../../../src/store/index.js';
import type { DialectFixture } from '../../../store/support/dialects.js';
import { storeHarness } from '../../../store/support/store-harness.js';
import {
  type Credentials,
  call,
  loopbackProxies,
  type Reply,
  testListener,
} from '../../../support/server-harness.js';

export const KEYFENCE_VERSION = '2026-12-01';
/** The service the test servers exempt from network ACLs. */
export const EXEMPT_SERVICE = 'mns';

/** Where a scope's policy is set: the account, or one key. */
export type Scope = { readonly kind: 'account' } | { readonly kind: 'accessKey'; readonly key: Credentials };

export interface CheckServer {
  readonly port: number;
  readonly url: string;
  readonly store: KeyFenceStore;
  readonly accountId: AccountId;
  /** The root key; its own Active policy lets it in from 127.0.0.1 whatever the account's says. */
  readonly root: Credentials;
  /** A RAM user's key, the one the tests check. */
  readonly alice: Credentials;
  readonly sink: StoreAuditSink;
  /** Sets a policy through the store and waits until the server enforces it; its version. */
  setPolicy(scope: Scope, policy: unknown): Promise<number>;
  /** CheckAccessKeyAccess, signed with `credentials` (root by default). */
  check(params: Record<string, string>, credentials?: Credentials): Promise<Reply>;
  /** A GetCallerIdentity of alice's from `ip` (in `vpcId`), as the trusted proxy forwards it. */
  aliceFrom(ip: string, vpcId?: string): Promise<Reply>;
}

/**
 * A server with every action over a fresh store of `fixture`'s database, auditing to the store,
 * trusting 127.0.0.1 as a proxy (the tests' own client stands for any source) and exempting
 * `mns`. Stopped after the enclosing suite.
 */
export async function startCheckServer(
  fixture: DialectFixture,
  options: { readonly now?: () => Date; readonly sync?: Record<string, number> } = {},
): Promise<CheckServer> {
  const { store } = await storeHarness(fixture).fresh();
  const { accountId, root, alice } = await store.write(async (tx) => {
    const account = await tx.createAccount();
    const rootKey = await tx.createAccessKey(account.accountId);
    await tx.createUser(account.accountId, { userName: 'alice' as UserName });
    const aliceKey = await tx.createAccessKey(account.accountId, { userName: 'alice' as UserName });
    return {
      accountId: account.accountId,
      root: { accessKeyId: rootKey.accessKeyId, accessKeySecret: rootKey.accessKeySecret },
      alice: { accessKeyId: aliceKey.accessKeyId, accessKeySecret: aliceKey.accessKeySecret },
    };
  });
  const sink = new StoreAuditSink(store, { flushIntervalMs: 3_600_000 });
  const server = createServer({
    store,
    actions: ALL_ACTIONS,
    config: serverConfig({
      trustedProxies: loopbackProxies,
      exemptServices: [{ service: EXEMPT_SERVICE, pathPrefixes: [] }],
      sync: { pollIntervalMs: 25, ...options.sync },
    }),
    auditSink: sink,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const [url] = await server.start([testListener()]);
  after(async () => {
    await server.close();
    await sink.close();
  });
  const port = Number(new URL(url!).port);

  async function setPolicy(scope: Scope, policy: unknown): Promise<number> {
    const parsed = parsePolicy(JSON.stringify(policy));
    assert.ok(parsed.ok, JSON.stringify(policy));
    const target =
      scope.kind === 'account'
        ? ({ scope: 'account', accountId } as const)
        : ({ scope: 'accessKey', accountId, accessKeyId: scope.key.accessKeyId as AccessKeyId } as const);
    const { version } = await store.write((tx) => tx.setPolicy(target, parsed.canonical, { actor: 'test' }));
    const deadline = Date.now() + 5000;
    while (server.appliedVersion < version) {
      assert.ok(Date.now() < deadline, `the server did not reach version ${version}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return version;
  }

  await setPolicy({ kind: 'accessKey', key: root }, classic('127.0.0.1'));
  return {
    port,
    url: url!,
    store,
    accountId,
    root,
    alice,
    sink,
    setPolicy,
    check: (params, credentials = root) =>
      call(port, { action: 'CheckAccessKeyAccess', version: KEYFENCE_VERSION, credentials, params }),
    aliceFrom: (ip, vpcId) =>
      call(port, {
        action: 'GetCallerIdentity',
        version: '2015-04-01',
        credentials: alice,
        headers: { 'x-forwarded-for': ip, ...(vpcId === undefined ? {} : { 'x-forwarded-vpc-id': vpcId }) },
      }),
  };
}

export const classic = (...ips: string[]) => ({
  Version: 1,
  Status: 'Active',
  Statements: [{ Type: 'ClassicWhiteList', IPList: ips }],
});
