/**
 * A real server for the console's HTTP tests: the real actions over a SQLite store in a temporary
 * directory, audited to the store (so LookupEvents reads the console's events back), 127.0.0.1
 * trusted as a proxy (so a test's own X-Forwarded-For stands for any client), cheap password
 * hashes, and a console build of the test's own making.
 */

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { StoreAuditSink } from '../../../src/audit/store-audit-sink.js';
import { hashPassword, type ScryptParameters } from '../../../src/auth/password-hash.js';
import type { ListenerConfig } from '../../../src/config/keyfence-config.js';
import { type ServerSettings, serverConfig } from '../../../src/config/server-config.js';
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
  send,
  testListener,
} from '../../support/server-harness.js';

export const FAST_HASH: ScryptParameters = { N: 2 ** 10, r: 8, p: 1 };
export const ROOT_PASSWORD = 'correct horse battery';

const dir = await mkdtemp(join(tmpdir(), 'keyfence-console-'));
after(() => rm(dir, { recursive: true, force: true }));
let count = 0;

/** A console build: index.html and one hashed asset. */
export async function fakeConsoleBuild(): Promise<string> {
  const root = join(dir, `dist-${++count}`, 'console');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>KeyFence</title>');
  await writeFile(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  await writeFile(join(dir, `dist-${count}`, 'secret.txt'), 'outside the root');
  return root;
}

export interface ConsoleServer {
  readonly server: KeyFenceServer;
  readonly store: KeyFenceStore;
  readonly sink: StoreAuditSink;
  readonly port: number;
  readonly ports: readonly number[];
  readonly accountId: AccountId;
  readonly root: Credentials;
  /** The clock the server reads; a test moves it forward. */
  readonly clock: { offsetMs: number };
}

export interface ConsoleServerOptions {
  readonly settings?: ServerSettings;
  readonly listeners?: readonly ListenerConfig[];
  readonly consoleDir?: string;
  /** Set the root password (default true). */
  readonly rootPassword?: boolean;
}

export async function startConsoleServer(options: ConsoleServerOptions = {}): Promise<ConsoleServer> {
  const store = await openStore({
    dialect: 'sqlite',
    file: join(dir, `store-${++count}.db`),
    masterKey: MasterKey.generate(),
  });
  const { accountId, key } = await store.write(async (tx) => {
    const account = await tx.createAccount();
    return { accountId: account.accountId, key: await tx.createAccessKey(account.accountId) };
  });
  if (options.rootPassword !== false) {
    const hash = await hashPassword(ROOT_PASSWORD, FAST_HASH);
    await store.write((tx) => tx.setRootConsolePassword(accountId, hash));
  }
  const sink = new StoreAuditSink(store, { flushIntervalMs: 20 });
  const clock = { offsetMs: 0 };
  const server = createServer({
    config: serverConfig({
      trustedProxies: loopbackProxies,
      sync: { pollIntervalMs: 25 },
      ...options.settings,
    }),
    store,
    actions: ALL_ACTIONS,
    auditSink: sink,
    passwordHashParameters: FAST_HASH,
    consoleDir: options.consoleDir ?? join(dir, 'no-build'),
    now: () => new Date(Date.now() + clock.offsetMs),
    ...(process.env.CONSOLE_TEST_LOG ? { logger: (await import('pino')).pino() } : {}),
  });
  const urls = await server.start(options.listeners ?? [testListener()]);
  after(async () => {
    await server.close();
    await sink.close();
    await store.close();
  });
  const ports = urls.map((url) => Number(new URL(url).port));
  return {
    server,
    store,
    sink,
    port: ports[0]!,
    ports,
    accountId,
    root: { accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret },
    clock,
  };
}

/** A RAM user with a console password and the given system policies. */
export async function consoleUser(
  t: ConsoleServer,
  name: string,
  password: string,
  policies: readonly string[] = [],
): Promise<string> {
  const hash = await hashPassword(password, FAST_HASH);
  await t.store.write(async (tx) => {
    await tx.createUser(t.accountId, { userName: name as UserName });
    await tx.createLoginProfile(t.accountId, name as UserName, { passwordHash: hash });
    for (const policy of policies) {
      await tx.attachPolicyToUser(t.accountId, name as UserName, {
        policyName: policy,
        policyType: 'System',
      });
    }
  });
  // Authorization reads attachments from the node's index, which follows the change log: wait for
  // it, or a loaded machine answers the user's first call before its policies are known.
  const version = await t.store.currentVersion();
  const deadline = Date.now() + 5000;
  while (t.server.appliedVersion < version) {
    if (Date.now() > deadline) throw new Error(`the server did not reach version ${version}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return `${name}@${t.accountId}.onaliyun.com`;
}

/** The headers a browser on the console's own page sends with a write. */
export function browserHeaders(port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    origin: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    'content-type': 'application/json',
    ...extra,
  };
}

export interface Signed {
  readonly cookie: string;
  readonly csrf: string;
  readonly reply: Reply;
}

export function post(
  port: number,
  path: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<Reply> {
  return send(port, {
    method: 'POST',
    path,
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Signs in as a browser would; asserts success. */
export async function signIn(
  t: ConsoleServer,
  principal: string,
  password: string,
  extra: Record<string, string> = {},
): Promise<Signed> {
  const reply = await post(
    t.port,
    '/console/api/signin',
    { Principal: principal, Password: password },
    browserHeaders(t.port, extra),
  );
  assert.equal(reply.status, 200, reply.text);
  const setCookie = reply.headers['set-cookie']?.[0] ?? '';
  return { cookie: setCookie.split(';')[0]!, csrf: reply.body.CsrfToken, reply };
}

/** A write of a signed-in browser. */
export function consoleWrite(
  t: ConsoleServer,
  session: Signed,
  path: string,
  body: unknown,
  extra: Record<string, string> = {},
): Promise<Reply> {
  return post(
    t.port,
    path,
    body,
    browserHeaders(t.port, { cookie: session.cookie, 'x-keyfence-csrf': session.csrf, ...extra }),
  );
}

/** The account's audit events named `eventName`, read back through a signed LookupEvents. */
// biome-ignore lint/suspicious/noExplicitAny: events are inspected field by field
export async function lookupEvents(t: ConsoleServer, eventName: string): Promise<Record<string, any>[]> {
  // The sink writes within its flush interval; a committed write's event is there already.
  await t.sink.flush();
  const reply = await call(t.port, {
    action: 'LookupEvents',
    version: '2020-07-06',
    credentials: t.root,
    params: {
      'LookupAttribute.1.Key': 'EventName',
      'LookupAttribute.1.Value': eventName,
      StartTime: new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
      EndTime: new Date(Date.now() + 30_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    },
  });
  assert.equal(reply.status, 200, reply.text);
  return reply.body.Events;
}
