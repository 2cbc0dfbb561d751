/**
 * The gateway on a plain node:http server, in front of a real upstream node:http server, over
 * the store of a test server (its keys and policies): the access gate is wired as
 * createServer wires it, with its own decision index following the same store.
 */
import assert from 'node:assert/strict';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';
import { ReplayGuard } from '../../src/auth/replay-guard.js';
import type { ExemptService, GatewayRoute } from '../../src/config/keyfence-config.js';
import { DecisionIndex } from '../../src/policy/decision-index.js';
import { AccessGate } from '../../src/server/gate/access-gate.js';
import { Exemptions } from '../../src/server/gate/exemptions.js';
import { Gateway } from '../../src/server/gateway/gateway.js';
import { IndexFollower } from '../../src/server/rpc/index-follower.js';
import { KeyUseRecorder } from '../../src/server/rpc/key-use-recorder.js';
import { storeCredentialLookup } from '../../src/server/rpc/store-credentials.js';
import type { TrustedProxies } from '../../src/server/source/trusted-proxies.js';
import type { TestServer } from './support.js';

export interface GatewayHarness {
  readonly port: number;
  /** Waits until the gateway enforces at least `version`. */
  readonly enforced: (version: number) => Promise<void>;
  readonly internalErrors: unknown[];
}

export interface GatewayHarnessOptions {
  readonly routes: readonly GatewayRoute[];
  readonly trustedProxies: TrustedProxies;
  readonly exemptServices?: readonly ExemptService[];
  readonly upstreamTimeoutMs?: number;
  readonly maxBodyBytes?: number;
}

/** Starts a gateway over `t`'s store, recording into `t.audit`; stopped after the file's tests. */
export async function startGateway(t: TestServer, options: GatewayHarnessOptions): Promise<GatewayHarness> {
  const exemptions = new Exemptions(options.exemptServices ?? []);
  const follower = new IndexFollower(
    t.store,
    new DecisionIndex({ exemptServices: exemptions.wholeServices }),
    {
      pollIntervalMs: 25,
      onError: (error) => assert.fail(`the gateway's follower failed: ${String(error)}`),
    },
  );
  const keyUses = new KeyUseRecorder(t.store, 1000, () => {});
  const gate = new AccessGate({
    follower,
    trustedProxies: options.trustedProxies,
    replayGuard: new ReplayGuard(),
    credentials: (request) => storeCredentialLookup(t.store, request),
    keyUses,
    exemptions,
    now: () => new Date(),
  });
  const internalErrors: unknown[] = [];
  const gateway = new Gateway({
    gate,
    config: { routes: options.routes, upstreamTimeoutMs: options.upstreamTimeoutMs ?? 30_000 },
    maxBodyBytes: options.maxBodyBytes ?? 64 * 1024,
    hostId: undefined,
    record: (record) => t.audit.record(record),
    onInternalError: (error) => internalErrors.push(error),
  });
  await follower.start();
  const server = await listen((req, res) => gateway.handle(req, res, req.socket.remoteAddress));
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    gateway.close();
    await follower.stop();
    await keyUses.close();
  });
  return {
    port: (server.address() as AddressInfo).port,
    internalErrors,
    enforced: async (version) => {
      const deadline = Date.now() + 5000;
      while (follower.appliedVersion < version) {
        assert.ok(Date.now() < deadline, `the gateway did not reach version ${version}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}

/** What the upstream saw of one request. */
export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly rawHeaders: readonly string[];
  readonly headers: IncomingMessage['headers'];
}

export type UpstreamHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** A real upstream on 127.0.0.1: records each request's head, answers with the current handler. */
export interface Upstream {
  readonly port: number;
  readonly url: URL;
  readonly seen: Seen[];
  handler: UpstreamHandler;
}

/** The upstream's default: drains the body and answers Alibaba-shaped JSON with what it was told. */
export const echoIdentity: UpstreamHandler = (req, res) => {
  let bytes = 0;
  req.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  req.on('end', () => {
    const text = JSON.stringify({
      RequestId: req.headers['x-keyfence-request-id'] ?? 'none',
      Principal: req.headers['x-keyfence-principal'] ?? null,
      Bytes: bytes,
    });
    res.writeHead(200, {
      'content-type': 'application/json;charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  });
};

export async function startUpstream(): Promise<Upstream> {
  const seen: Seen[] = [];
  const upstream: { handler: UpstreamHandler } = { handler: echoIdentity };
  const server = await listen((req, res) => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      rawHeaders: req.rawHeaders,
      headers: req.headers,
    });
    upstream.handler(req, res);
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const port = (server.address() as AddressInfo).port;
  return Object.assign(upstream, { port, url: new URL(`http://127.0.0.1:${port}`), seen });
}

function listen(listener: RequestListener): Promise<Server> {
  const server = createHttpServer(listener);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
