/**
 * Shared helpers for the server tests: a real server on 127.0.0.1 over a real SQLite store in a
 * temporary directory, requests signed with src/auth's signers the way the SDKs sign them, and a
 * few tiny actions registered by the tests themselves (the real handlers are tested elsewhere).
 */

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'node:querystring';
import { after } from 'node:test';
import type { AuditSink } from '../../src/audit/audit-sink.js';
import { signAcs3Request } from '../../src/auth/acs3-signature.js';
import type { Param } from '../../src/auth/request-params.js';
import { signRpcRequest } from '../../src/auth/rpc-signature.js';
import { formatAlibabaTime } from '../../src/common/alibaba-time.js';
import { sha256Hex } from '../../src/common/sha256-hex.js';
import type { ListenerConfig } from '../../src/config/keyfence-config.js';
import { type ServerSettings, serverConfig } from '../../src/config/server-config.js';
import { parsePolicy } from '../../src/policy/parse-policy.js';
import type { RequestRecord } from '../../src/request/request-record.js';
import { TrustedProxies } from '../../src/request/source/trusted-proxies.js';
import { invalidParameter } from '../../src/server/errors/api-error.js';
import { createServer, type KeyFenceServer } from '../../src/server/keyfence-server.js';
import type { ActionDefinition, PolicyTarget } from '../../src/server/rpc/action.js';
import type { KeyFenceServerOptions } from '../../src/server/server-options.js';
import {
  type AccessKeyId,
  type AccountId,
  type KeyFenceStore,
  MasterKey,
  openStore,
  type RoleName,
  StoreError,
  type UserName,
} from '../../src/store/index.js';

export interface Credentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

/** An audit sink that keeps what it is given, and counts flushes. */
export class MemoryAuditSink implements AuditSink {
  readonly records: RequestRecord[] = [];
  flushes = 0;

  record(event: RequestRecord): void {
    this.records.push(event);
  }

  async flush(): Promise<void> {
    this.flushes++;
  }

  /** The record of one request, by the RequestId its response carried. */
  find(requestId: string): RequestRecord {
    const record = this.records.find((r) => r.requestId === requestId);
    assert.ok(record, `no audit record for ${requestId}`);
    return record;
  }
}

/** A promise the test resolves: lets an action wait while the test does something else. */
export class Gate {
  readonly opened: Promise<void>;
  open!: () => void;
  entered = 0;

  constructor() {
    this.opened = new Promise((resolve) => {
      this.open = resolve;
    });
  }
}

export const slowGate = { current: new Gate() };

/** The actions the server tests route to. */
export const testActions: readonly ActionDefinition[] = [
  {
    product: 'Ims',
    name: 'GetTestValue',
    ramAction: 'ram:GetTestValue',
    handle: async ({ params, caller, source }) => ({
      Value: params.Value ?? null,
      CallerType: caller.type,
      SourceIp: source.ip,
      VpcId: source.vpcId ?? null,
    }),
  },
  {
    product: 'Ims',
    name: 'SetTestValue',
    ramAction: 'ram:SetTestValue',
    handle: async () => ({}),
  },
  {
    product: 'Sts',
    name: 'GetTestIdentity',
    ramAction: null,
    handle: async ({ caller }) => ({ AccountId: caller.accountId, IdentityType: caller.type }),
  },
  {
    product: 'Ram',
    name: 'GetTestRam',
    ramAction: 'ram:GetTestRam',
    handle: async () => ({ Product: 'Ram' }),
  },
  {
    // Sets a policy the way SetAccessKeyPolicy(ForAccount) will: lockout guard, write, catch up.
    product: 'Ims',
    name: 'SetTestPolicy',
    ramAction: 'ram:SetTestPolicy',
    handle: async ({ params, caller, write, guardLockout }) => {
      const parsed = parsePolicy(params.AccessKeyPolicy ?? '');
      if (!parsed.ok) throw invalidParameter('AccessKeyPolicy', 'bad policy');
      const target: PolicyTarget =
        params.UserAccessKeyId === undefined
          ? { kind: 'account' }
          : { kind: 'accessKey', accessKeyId: params.UserAccessKeyId };
      guardLockout(target, parsed.policy);
      const scope =
        target.kind === 'account'
          ? ({ scope: 'account', accountId: caller.accountId } as const)
          : ({
              scope: 'accessKey',
              accountId: caller.accountId,
              accessKeyId: target.accessKeyId as AccessKeyId,
            } as const);
      const set = await write((tx) =>
        tx.setPolicy(scope, parsed.canonical, { actor: caller.accessKeyId ?? caller.type }),
      );
      return { PolicyVersion: set.version };
    },
  },
  {
    product: 'Ims',
    name: 'FailInternally',
    ramAction: 'ram:FailInternally',
    handle: async () => {
      throw new Error('database password is hunter2');
    },
  },
  {
    product: 'Ims',
    name: 'ReturnCode',
    ramAction: 'ram:ReturnCode',
    handle: async () => ({ Code: 'OK' }),
  },
  {
    product: 'Ims',
    name: 'GetMissingUser',
    ramAction: 'ram:GetMissingUser',
    handle: async () => {
      throw new StoreError('EntityNotExist.User', 'nobody');
    },
  },
  {
    product: 'Ims',
    name: 'WaitForGate',
    ramAction: 'ram:WaitForGate',
    handle: async () => {
      slowGate.current.entered++;
      await slowGate.current.opened;
      return { Waited: true };
    },
  },
];

/** The trusted proxies (or PROXY-protocol senders) a test names: CIDRs or addresses. */
export function cidrs(...entries: string[]): TrustedProxies {
  const parsed = TrustedProxies.parse(entries);
  assert.ok(parsed.ok);
  return parsed.value;
}

/** 127.0.0.1 as the only trusted proxy: the tests' own client stands in for a gateway. */
export const loopbackProxies = cidrs('127.0.0.1/32');

/** A listener of the given role on a free port of 127.0.0.1 (or `host`). */
export function testListener(settings: Partial<ListenerConfig> = {}): ListenerConfig {
  return {
    address: { host: '127.0.0.1', port: 0 },
    role: 'api',
    proxyProtocol: 'off',
    vpcEndpointOf: undefined,
    ...settings,
  };
}

export interface TestServer {
  /** The first listener's port and URL. */
  readonly port: number;
  readonly url: string;
  /** Every listener's port and URL, in the order given. */
  readonly ports: readonly number[];
  readonly urls: readonly string[];
  readonly server: KeyFenceServer;
  readonly store: KeyFenceStore;
  readonly accountId: AccountId;
  readonly root: Credentials;
  readonly audit: MemoryAuditSink;
  /** Waits until the server enforces at least `version`. */
  readonly enforced: (version: number) => Promise<void>;
}

const root = await mkdtemp(join(tmpdir(), 'keyfence-server-'));
after(() => rm(root, { recursive: true, force: true }));
let stores = 0;

/**
 * A started server over a new store holding one account and its root key; stopped after the
 * file's tests. One api listener on 127.0.0.1 unless `listeners` says otherwise.
 */
export async function startTestServer(
  options: Partial<Omit<KeyFenceServerOptions, 'store' | 'config'>> & ServerSettings = {},
  listeners: readonly ListenerConfig[] = [testListener()],
): Promise<TestServer> {
  const store = await openStore({
    dialect: 'sqlite',
    file: join(root, `store-${++stores}.db`),
    masterKey: MasterKey.generate(),
  });
  const { accountId, key } = await store.write(async (tx) => {
    const account = await tx.createAccount();
    return { accountId: account.accountId, key: await tx.createAccessKey(account.accountId) };
  });
  const audit = new MemoryAuditSink();
  const { actions, auditSink, policiesOf, logger, outageLog, now, ...settings } = options;
  const server = createServer({
    config: serverConfig({ ...settings, sync: { pollIntervalMs: 25, ...settings.sync } }),
    store,
    actions: actions ?? testActions,
    auditSink: auditSink ?? audit,
    policiesOf,
    logger,
    outageLog,
    now,
  });
  const urls = await server.start(listeners);
  after(async () => {
    await server.close();
    await store.close();
  });
  const ports = urls.map((url) => Number(new URL(url).port));
  return {
    port: ports[0]!,
    url: urls[0]!,
    ports,
    urls,
    server,
    store,
    accountId,
    root: { accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret },
    audit,
    enforced: async (version) => {
      const deadline = Date.now() + 5000;
      while (server.appliedVersion < version) {
        assert.ok(Date.now() < deadline, `the server did not reach version ${version}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}

/** A RAM user with one key. */
export async function createUserKey(
  t: Pick<TestServer, 'store' | 'accountId'>,
  userName: string,
): Promise<Credentials> {
  const key = await t.store.write(async (tx) => {
    await tx.createUser(t.accountId, { userName: userName as UserName });
    return tx.createAccessKey(t.accountId, { userName: userName as UserName });
  });
  return { accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret };
}

/** STS credentials for a new role of the test account, issued by the store directly. */
export async function issueStsCredentials(t: TestServer, roleName = 'tester'): Promise<Credentials> {
  const issued = await t.store.write(async (tx) => {
    await tx.createRole(t.accountId, {
      roleName: roleName as RoleName,
      assumeRolePolicyDocument: '{"Statement":[]}',
    });
    return tx.issueTemporaryCredential(t.accountId, roleName as RoleName, {
      roleSessionName: 'session-1',
      sourceIdentity: t.root.accessKeyId,
    });
  });
  return {
    accessKeyId: issued.accessKeyId,
    accessKeySecret: issued.accessKeySecret,
    securityToken: issued.securityToken,
  };
}

/** Sets a policy through the store (as another node would) and waits until the server enforces it. */
export async function setPolicy(t: TestServer, target: PolicyTarget, policy: unknown): Promise<number> {
  const parsed = parsePolicy(JSON.stringify(policy));
  assert.ok(parsed.ok, 'test policy parses');
  const scope =
    target.kind === 'account'
      ? ({ scope: 'account', accountId: t.accountId } as const)
      : ({
          scope: 'accessKey',
          accountId: t.accountId,
          accessKeyId: target.accessKeyId as AccessKeyId,
        } as const);
  const { version } = await t.store.write((tx) => tx.setPolicy(scope, parsed.canonical, { actor: 'test' }));
  await t.enforced(version);
  return version;
}

export const classicPolicy = (...ips: string[]) => ({
  Version: 1,
  Status: 'Active',
  Statements: [{ Type: 'ClassicWhiteList', IPList: ips }],
});

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are inspected field by field
  readonly body: any;
}

export interface RawRequest {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string | string[]>>;
  readonly body?: Buffer | string;
}

/** Where `send` connects: 127.0.0.1 unless told otherwise, or a socket of the test's own making. */
export interface Connection {
  readonly host?: string;
  readonly createConnection?: () => Socket;
}

/** One HTTP request over a fresh connection, exactly as given. */
export function send(port: number, raw: RawRequest, connection: Connection = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: connection.host ?? '127.0.0.1',
        port,
        method: raw.method ?? 'GET',
        path: raw.path ?? '/',
        headers: raw.headers,
        // An agent would open its own socket rather than call createConnection.
        ...(connection.createConnection === undefined
          ? { agent: false }
          : { createConnection: connection.createConnection }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
      },
    );
    req.on('error', reject);
    req.end(raw.body);
  });
}

/**
 * One request over a fresh connection to 127.0.0.1 that starts with `header`, as a load balancer
 * sending the PROXY protocol writes it.
 */
export function sendVia(port: number, header: Buffer, raw: RawRequest): Promise<Reply> {
  return send(port, raw, {
    createConnection: () => {
      const socket = connect(port, '127.0.0.1');
      socket.write(header);
      return socket;
    },
  });
}

export interface CallSpec {
  readonly action: string;
  readonly version?: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly credentials: Credentials;
  /** V3 (ACS3-HMAC-SHA256, default) or V2 (HMAC-SHA1 RPC). */
  readonly signature?: 'v3' | 'v2';
  readonly method?: 'GET' | 'POST';
  /** Where the parameters travel: the query (default) or a form body. */
  readonly in?: 'query' | 'body';
  /** Unsigned headers added to the request (X-Forwarded-For, User-Agent, ...). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly time?: Date;
  readonly nonce?: string;
}

const IMS_VERSION = '2019-08-15';
/** Parameters as a query string (or form body), in their order. */
export const encodeQuery = (params: readonly Param[]) =>
  params.map(([name, value]) => stringify({ [name]: value })).join('&');

/** A signed call of the RPC API, the way the official SDKs sign it. */
export function call(port: number, spec: CallSpec): Promise<Reply> {
  return send(port, signedRequest(port, spec));
}

export function signedRequest(port: number, spec: CallSpec): RawRequest {
  return spec.signature === 'v2' ? rpcSigned(spec) : acs3Signed(port, spec);
}

function acs3Signed(port: number, spec: CallSpec): RawRequest {
  const method = spec.method ?? 'POST';
  const params = Object.entries(spec.params ?? {});
  const inBody = spec.in === 'body';
  const body = Buffer.from(inBody ? encodeQuery(params) : '');
  const { credentials } = spec;
  const headers: Record<string, string> = {
    host: `127.0.0.1:${port}`,
    'x-acs-action': spec.action,
    'x-acs-version': spec.version ?? IMS_VERSION,
    'x-acs-date': formatAlibabaTime(spec.time ?? new Date()),
    'x-acs-signature-nonce': spec.nonce ?? randomBytes(16).toString('hex'),
    'x-acs-content-sha256': sha256Hex(body),
    ...(inBody ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    ...(credentials.securityToken === undefined ? {} : { 'x-acs-security-token': credentials.securityToken }),
  };
  const { authorization } = signAcs3Request({
    method,
    path: '/',
    query: inBody ? [] : params,
    headers,
    body,
    accessKeyId: credentials.accessKeyId,
    secret: credentials.accessKeySecret,
  });
  const rawQuery = inBody ? '' : encodeQuery(params);
  return {
    method,
    path: rawQuery === '' ? '/' : `/?${rawQuery}`,
    headers: { ...headers, authorization, accept: 'application/json', ...spec.headers },
    body,
  };
}

function rpcSigned(spec: CallSpec): RawRequest {
  const method = spec.method ?? 'POST';
  const encoded = rpcSignedQuery({
    method,
    action: spec.action,
    version: spec.version ?? IMS_VERSION,
    params: Object.entries(spec.params ?? {}),
    credentials: spec.credentials,
    time: spec.time,
    nonce: spec.nonce,
  });
  const inBody = spec.in === 'body';
  return {
    method,
    path: inBody ? '/' : `/?${encoded}`,
    headers: {
      ...(inBody ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...spec.headers,
    },
    body: inBody ? encoded : '',
  };
}

export interface RpcSigning {
  readonly method: string;
  readonly action: string;
  readonly version: string;
  /** The call's own parameters. */
  readonly params: readonly Param[];
  readonly credentials: Credentials;
  readonly time?: Date;
  readonly nonce?: string;
}

/** An RPC (HMAC-SHA1) signed call's parameters, as the SDKs send them: `Signature` last. */
export function rpcSignedQuery(signing: RpcSigning): string {
  const { credentials } = signing;
  const params: Param[] = [
    ['Action', signing.action],
    ['Format', 'JSON'],
    ['Version', signing.version],
    ['Timestamp', formatAlibabaTime(signing.time ?? new Date())],
    ['SignatureNonce', signing.nonce ?? randomBytes(16).toString('hex')],
    ...signing.params,
    ...(credentials.securityToken === undefined
      ? []
      : [['SecurityToken', credentials.securityToken] as const]),
    ['SignatureMethod', 'HMAC-SHA1'],
    ['SignatureVersion', '1.0'],
    ['AccessKeyId', credentials.accessKeyId],
  ];
  const { signature } = signRpcRequest(signing.method, params, credentials.accessKeySecret);
  return encodeQuery([...params, ['Signature', signature]]);
}

const UPPER_UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

/** A success: 200, JSON, an upper-case UUID RequestId, and no `Code` (pop-core would read one as an error). */
export function expectSuccess(reply: Reply): Reply['body'] {
  assert.equal(reply.status, 200, reply.text);
  assert.equal(reply.headers['content-type'], 'application/json;charset=utf-8');
  assert.match(reply.body.RequestId, UPPER_UUID);
  assert.equal(reply.headers['x-acs-request-id'], reply.body.RequestId);
  assert.equal(Object.hasOwn(reply.body, 'Code'), false, 'a success body carries no Code');
  return reply.body;
}

/** An error in Alibaba's shape with the given status and code. */
export function expectError(reply: Reply, status: number, code: string): Reply['body'] {
  assert.equal(reply.status, status, reply.text);
  assert.equal(reply.headers['content-type'], 'application/json;charset=utf-8');
  const body = reply.body;
  assert.equal(body.Code, code, reply.text);
  assert.match(body.RequestId, UPPER_UUID);
  assert.equal(typeof body.HostId, 'string');
  assert.equal(typeof body.Message, 'string');
  assert.ok(
    body.Recommend.startsWith(`https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}`),
    body.Recommend,
  );
  assert.ok(body.Recommend.endsWith(`requestId=${body.RequestId}`), body.Recommend);
  return body;
}
