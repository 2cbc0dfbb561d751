/**
 * The console tests' server: a real KeyFence server in process, with every action, auditing to
 * its store (so LookupEvents reads what the console did), trusting 127.0.0.1 as a proxy (so a
 * signed call can come "from" any fixed address through X-Forwarded-For), serving the built
 * console from dist/console. A second node on the same store can be started for the receipt.
 */

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { StoreAuditSink } from '../../../src/audit/store-audit-sink.js';
import { hashPassword, type ScryptParameters } from '../../../src/auth/password-hash.js';
import type { ListenerConfig } from '../../../src/config/keyfence-config.js';
import { serverConfig } from '../../../src/config/server-config.js';
import { ALL_ACTIONS } from '../../../src/server/actions/index.js';
import { createServer, type KeyFenceServer } from '../../../src/server/keyfence-server.js';
import {
  type AccountId,
  type KeyFenceStore,
  MasterKey,
  openStore,
  type UserName,
} from '../../../src/store/index.js';
import {
  type Credentials,
  call,
  loopbackProxies,
  type Reply,
  testListener,
} from '../../support/server-harness.js';
import { buildConsoleOnce } from './console-build.js';

/** The service the console test servers exempt from network ACLs (the panel must name it). */
export const EXEMPT_SERVICE = 'mns';

export interface ConsoleNode {
  readonly url: string;
  readonly port: number;
  readonly server: KeyFenceServer;
  readonly store: KeyFenceStore;
}

export interface ConsoleServer extends ConsoleNode {
  /** The console's own address: `${url}/console/`. */
  readonly consoleUrl: string;
  readonly accountId: AccountId;
  /** The root AccessKey, for checking effects through signed calls. */
  readonly root: Credentials;
  readonly sink: StoreAuditSink;
  /**
   * A signed RPC call (V3, as the SDKs sign), from `from` through the trusted proxy header, and
   * from inside `vpcId` when given (the proxy's `X-Forwarded-Vpc-Id`).
   */
  signed(
    credentials: Credentials,
    action: string,
    version: string,
    params?: Record<string, string>,
    from?: string,
    vpcId?: string,
  ): Promise<Reply>;
  /** ActionTrail LookupEvents as root after flushing the audit log; the events. */
  events(params?: Record<string, string>): Promise<Record<string, unknown>[]>;
  /** The root identity's console password (set through the store, as `set-root-password` does). */
  readonly rootPassword: string;
  /** A RAM user with a login profile and one AccessKey; its console password. */
  addConsoleUser(
    userName: string,
    password?: string,
  ): Promise<{ upn: string; password: string; key: Credentials }>;
  /** Another node on the same store, stopped with this one. */
  addNode(nodeId: string): Promise<ConsoleNode>;
}

const root = await mkdtemp(join(tmpdir(), 'keyfence-console-'));
after(() => rm(root, { recursive: true, force: true }));
let servers = 0;

const masterKey = MasterKey.generate();
/** Cheaper than the default cost: these hashes only guard test data. Sign-in reads N from the hash. */
const TEST_SCRYPT: ScryptParameters = { N: 2 ** 14, r: 8, p: 1 };

/** The server every console test file starts once; stopped after the file's tests. */
export async function startConsoleServer(
  options: {
    readonly listeners?: readonly ListenerConfig[];
    readonly nodeId?: string;
    /** The store's clock, e.g. to seed a key created months ago. */
    readonly clock?: () => Date;
    /** Leave root without a console password, for the setup link. */
    readonly withoutRootPassword?: boolean;
  } = {},
): Promise<ConsoleServer> {
  await buildConsoleOnce();
  const file = join(root, `store-${++servers}.db`);
  const store = await openStore({ dialect: 'sqlite', file, masterKey, clock: options.clock });
  const rootPassword = 'root console password 1';
  const rootHash = await hashPassword(rootPassword, TEST_SCRYPT);
  const { accountId, key } = await store.write(async (tx) => {
    const account = await tx.createAccount();
    if (options.withoutRootPassword !== true) await tx.setRootConsolePassword(account.accountId, rootHash);
    return { accountId: account.accountId, key: await tx.createAccessKey(account.accountId) };
  });
  const stops: (() => Promise<void>)[] = [];
  after(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  const startNode = async (nodeStore: KeyFenceStore, nodeId: string) => {
    const sink = new StoreAuditSink(nodeStore, { flushIntervalMs: 50 });
    const server = createServer({
      store: nodeStore,
      actions: ALL_ACTIONS,
      config: serverConfig({
        nodeId,
        trustedProxies: loopbackProxies,
        exemptServices: [{ service: EXEMPT_SERVICE, pathPrefixes: [] }],
        sync: { pollIntervalMs: 25 },
      }),
      auditSink: sink,
    });
    const [url] = await server.start(options.listeners ?? [testListener()]);
    stops.push(async () => {
      await server.close();
      await sink.close();
      await nodeStore.close();
    });
    return { url: url!, port: Number(new URL(url!).port), server, store: nodeStore, sink };
  };

  const first = await startNode(store, options.nodeId ?? 'node-a');
  const rootKey = { accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret };
  const signed: ConsoleServer['signed'] = (credentials, action, version, params = {}, from, vpcId) =>
    call(first.port, {
      action,
      version,
      credentials,
      params,
      headers: {
        ...(from === undefined ? {} : { 'x-forwarded-for': from }),
        ...(vpcId === undefined ? {} : { 'x-forwarded-vpc-id': vpcId }),
      },
    });
  return {
    ...first,
    consoleUrl: `${first.url}/console/`,
    accountId,
    root: rootKey,
    rootPassword,
    async addConsoleUser(userName, password = `${userName} console password`) {
      const hash = await hashPassword(password, TEST_SCRYPT);
      const created = await store.write(async (tx) => {
        const user = await tx.createUser(accountId, { userName: userName as UserName });
        await tx.createLoginProfile(accountId, user.userName, { passwordHash: hash });
        return tx.createAccessKey(accountId, { userName: user.userName });
      });
      return {
        upn: `${userName}@${accountId}.onaliyun.com`,
        password,
        key: { accessKeyId: created.accessKeyId, accessKeySecret: created.accessKeySecret },
      };
    },
    signed,
    async events(params = {}) {
      await first.sink.flush();
      const reply = await signed(rootKey, 'LookupEvents', '2020-07-06', { MaxResults: '50', ...params });
      if (reply.status !== 200) throw new Error(`LookupEvents answered ${reply.status}: ${reply.text}`);
      return reply.body.Events as Record<string, unknown>[];
    },
    async addNode(nodeId) {
      const other = await openStore({ dialect: 'sqlite', file, masterKey, clock: options.clock });
      const { url, port, server, store: nodeStore } = await startNode(other, nodeId);
      return { url, port, server, store: nodeStore };
    },
  };
}

export const consoleBuilt = (): boolean => existsSync(join(process.cwd(), 'dist/console/index.html'));
