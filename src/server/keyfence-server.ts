import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { type Logger, pino } from 'pino';
import { type AuditSink, noAuditSink } from '../audit/audit-sink.js';
import { KeyFenceError } from '../common/keyfence-error.js';
import type { ListenerConfig } from '../config/keyfence-config.js';
import type { ServerConfig } from '../config/server-config.js';
import type { ConnectionOrigin } from '../request/source/connection-origin.js';
import type { ProxyFault, ProxyFaultCode } from '../request/source/proxy-protocol/proxy-header.js';
import type { KeyFenceStore } from '../store/index.js';
import type { SyncStatistics } from '../sync/index-follower.js';
import { OutageLog } from '../sync/outage-log.js';
import { isConsolePath, isLoopbackHost, servesConsole } from './console/console-route.js';
import { issueSetupTokens } from './console/setup-tokens.js';
import { type EntryPoints, entryPoints } from './entry-points.js';
import { serverErrors } from './errors/api-error.js';
import { answerClientError, sendApiError } from './errors/error-answers.js';
import { isForwardAuthTarget } from './forward-auth/original-request.js';
import { reloadUpstreamCa } from './gateway/reload-upstream-ca.js';
import { isHealthPath } from './health/health-endpoints.js';
import { drainListeners } from './http/drain-listeners.js';
import { Listener, type ListenerSettings } from './http/listener.js';
import { ProxyFaults } from './http/proxy-faults.js';
import { reloadListenerTls } from './http/reload-listener-tls.js';
import { envelopeOf, type RequestEnvelope } from './http/request-envelope.js';
import type { ServerStatus } from './metrics/server-status.js';
import { KeyFenceNode } from './node/keyfence-node.js';
import type { KeyFenceServerOptions } from './server-options.js';

/** A running (or startable) KeyFence API server. */
export interface KeyFenceServer {
  /**
   * Binds every listener (at least one), loads the decision index from the store, starts
   * following the change log, and resolves with the URL each listener serves, in the same order,
   * once it answers API calls (`/readyz` says 503 until then). Called once. Every TLS pair is
   * loaded before anything is bound: a file that is missing, unreadable or not a pair rejects
   * (TlsFileError, naming the file) with nothing served.
   */
  start(listeners: readonly ListenerConfig[]): Promise<string[]>;
  /**
   * Reads every TLS listener's certificate and key again (SIGHUP) for the connections accepted
   * from now on; open connections keep theirs. A listener whose files are no longer a usable pair
   * keeps its current one. The gateway's `upstreamCa` is read again too, for new upstream
   * connections (a file that no longer holds a certificate leaves the ones before in use). Each
   * outcome is logged; resolves with the number of failures.
   */
  reloadTls(): Promise<number>;
  /** Connections closed for a missing, bad or late PROXY header, by fault code. */
  readonly proxyHeaderFaults: ReadonlyMap<ProxyFaultCode, number>;
  /**
   * Console setup links (docs/server.md, "Console"): a fresh single-use token, valid one hour,
   * for every account whose root has no console password yet, as a link on the first listener
   * serving the console; empty when there is none to set or no listener serves it. Call after
   * `start`; `keyfence serve` logs each after its listening line.
   */
  issueConsoleSetupLinks(): Promise<ConsoleSetupLink[]>;
  /** The change-log version whose policies are enforced (0 before the index is loaded). */
  readonly appliedVersion: number;
  /** How this node follows the change log: versions, lag, notifications and polls. */
  readonly sync: SyncStatistics;
  /** This node's name in the node status table. */
  readonly nodeId: string;
  readonly ready: boolean;
  /** How this node stands with the store and what it holds in memory, for `/readyz` and metrics. */
  readonly status: ServerStatus;
  /**
   * Graceful stop: accepts no more connections, lets in-flight requests finish (at most
   * `shutdownTimeoutMs`), stops following the change log, records the node as stopped, writes
   * pending key uses and flushes the audit sink. Does not close the store, which belongs to the caller.
   */
  close(): Promise<void>;
}

export interface ConsoleSetupLink {
  readonly accountId: string;
  /** `http://HOST:PORT/console/setup#<token>`. */
  readonly url: string;
}

/**
 * The HTTP side of KeyFence on bare node:http, on one or more listeners sharing one request
 * handler: on `api` listeners the RPC API at `/`, forward-auth checks at `/forward-auth`,
 * liveness at `/healthz`, readiness at `/readyz`, metrics at `/metrics`, JSON errors in
 * Alibaba's shape for everything else; on `gateway` listeners the gateway; the web console at
 * `/console/` on the `api` and `console` listeners `console.enabled` lets serve it.
 */
export function createServer(options: KeyFenceServerOptions): KeyFenceServer {
  return new HttpKeyFenceServer(options);
}

class HttpKeyFenceServer implements KeyFenceServer {
  readonly #config: ServerConfig;
  readonly #node: KeyFenceNode;
  readonly #entryPoints: EntryPoints;
  readonly #proxyFaults: ProxyFaults;
  #listeners: readonly Listener[] = [];
  #urls: readonly string[] = [];
  readonly #audit: AuditSink;
  readonly #log: Logger;
  readonly #now: () => Date;
  readonly #store: KeyFenceStore;
  #closing: Promise<void> | undefined;

  constructor(options: KeyFenceServerOptions) {
    const { config } = options;
    const log = options.logger ?? pino({ enabled: false });
    const now = options.now ?? (() => new Date());
    const outage = options.outageLog ?? new OutageLog({ log });
    this.#config = config;
    this.#store = options.store;
    this.#log = log;
    this.#now = now;
    this.#audit = options.auditSink ?? noAuditSink;
    this.#proxyFaults = new ProxyFaults(log);
    this.#node = new KeyFenceNode({ config, store: options.store, log, outage, now });
    this.#entryPoints = entryPoints(options, {
      node: this.#node,
      audit: this.#audit,
      log,
      outage,
      now,
      proxyHeaderFaults: () => this.#proxyFaults.counts,
    });
  }

  get proxyHeaderFaults(): ReadonlyMap<ProxyFaultCode, number> {
    return this.#proxyFaults.counts;
  }

  get appliedVersion(): number {
    return this.#node.appliedVersion;
  }

  get sync(): SyncStatistics {
    return this.#node.sync;
  }

  get nodeId(): string {
    return this.#node.nodeId;
  }

  get ready(): boolean {
    return this.#node.ready;
  }

  get status(): ServerStatus {
    return this.#node.status;
  }

  async start(listeners: readonly ListenerConfig[]): Promise<string[]> {
    if (listeners.length === 0)
      throw new KeyFenceError('Server.NoListener', 'start needs at least one listener');
    if (this.#listeners.length > 0 || this.#closing !== undefined)
      throw new KeyFenceError('Server.Started', 'the server was already started');
    const handlers = {
      request: (req: IncomingMessage, res: ServerResponse, origin: ConnectionOrigin<ListenerConfig>) =>
        this.#route(req, res, origin),
      clientError: (error: NodeJS.ErrnoException, socket: Socket) =>
        answerClientError(error, socket, this.#config.http.hostId),
      proxyFault: (fault: ProxyFault, socket: Socket, listener: ListenerConfig) =>
        this.#proxyFaults.refused(fault, socket, listener),
    };
    const { http, vpcEndpoints } = this.#config;
    const settings: ListenerSettings = {
      http: { requestTimeout: http.requestTimeoutMs, maxHeaderSize: http.maxHeaderBytes },
      proxyHeaderTimeoutMs: http.proxyHeaderTimeoutMs,
      vpcEndpoints,
    };
    this.#listeners = await Promise.all(
      listeners.map((config) => Listener.create(config, settings, handlers)),
    );
    await this.#entryPoints.gateway?.loadUpstreamCa();
    // Every bind settles before any is undone, so that none is left bound behind a failure.
    const bound = await Promise.allSettled(this.#listeners.map((listener) => listener.listen()));
    const failed = bound.find((outcome) => outcome.status === 'rejected');
    if (failed !== undefined) {
      await this.close();
      throw failed.reason;
    }
    const urls = bound.map((outcome) => (outcome as PromiseFulfilledResult<string>).value);
    this.#urls = urls;
    this.#warnOfPlainConsole(listeners);
    try {
      await this.#node.start(urls[0]!);
    } catch (error) {
      await this.close();
      throw error;
    }
    // A close() during the load wins: a closed server never turns ready.
    if (this.#closing !== undefined)
      throw new KeyFenceError('Server.Closed', 'the server was closed while starting');
    return urls;
  }

  async issueConsoleSetupLinks(): Promise<ConsoleSetupLink[]> {
    const at = this.#listeners.findIndex((listener) => this.#servesConsole(listener.config));
    if (at < 0) return [];
    const tokens = await issueSetupTokens(this.#store, this.#now);
    return tokens.map(({ accountId, token }) => ({
      accountId,
      url: `${this.#urls[at]}/console/setup#${token}`,
    }));
  }

  /**
   * The console is meant to be reached over TLS: a listener of its own, or a proxy in front. One
   * served in the clear beyond loopback with neither is said once, at start.
   */
  #warnOfPlainConsole(listeners: readonly ListenerConfig[]): void {
    if (this.#config.trustedProxies.size > 0) return;
    for (const listener of listeners) {
      if (
        !this.#servesConsole(listener) ||
        listener.tls !== undefined ||
        isLoopbackHost(listener.address.host)
      ) {
        continue;
      }
      this.#log.warn(
        { listen: `${listener.address.host}:${listener.address.port}` },
        'the console is served over plain HTTP beyond loopback and no trusted proxy is configured: give the listener tls, or put a TLS-terminating proxy in front and list it in trustedProxies',
      );
    }
  }

  #servesConsole(listener: ListenerConfig): boolean {
    return servesConsole(listener, this.#config.console.enabled);
  }

  async reloadTls(): Promise<number> {
    const upstreamFailed = await reloadUpstreamCa(this.#entryPoints.gateway, this.#log);
    return upstreamFailed + (await reloadListenerTls(this.#listeners, this.#log));
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    const { shutdownTimeoutMs } = this.#config.http;
    await this.#node.stop(async () => {
      await drainListeners(this.#listeners, shutdownTimeoutMs, () =>
        this.#log.warn({ timeoutMs: shutdownTimeoutMs }, 'in-flight requests cut off at shutdown'),
      );
      this.#entryPoints.gateway?.close();
    });
    await this.#audit.flush();
  }

  #route(req: IncomingMessage, res: ServerResponse, origin: ConnectionOrigin<ListenerConfig>): void {
    // While closing, every response ends its connection, so keep-alive clients do not hold the drain open.
    if (this.#closing !== undefined) res.setHeader('connection', 'close');
    const { gateway, forwardAuth } = this.#entryPoints;
    if (origin.listener.role === 'gateway') {
      if (gateway !== undefined) gateway.handle(req, res, origin);
      else sendApiError(req, res, this.#envelope(req, origin), serverErrors.gatewayNotConfigured());
      return;
    }
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    if (isConsolePath(path) && this.#servesConsole(origin.listener)) {
      this.#entryPoints.console.handle(req, res, origin, path);
      return;
    }
    if (origin.listener.role === 'console' && !isHealthPath(path)) {
      sendApiError(req, res, this.#envelope(req, origin), serverErrors.pathNotFound());
      return;
    }
    if (isForwardAuthTarget(target)) {
      forwardAuth.check(req, res, origin, target);
      return;
    }
    const envelope = this.#envelope(req, origin);
    this.#respond(req, res, envelope, target).catch((error: unknown) => {
      this.#log.error({ err: error, requestId: envelope.requestId }, 'request failed outside the endpoint');
      if (res.headersSent) res.destroy();
      else sendApiError(req, res, envelope, serverErrors.internalError());
    });
  }

  #envelope(req: IncomingMessage, origin: ConnectionOrigin<ListenerConfig>): RequestEnvelope {
    return envelopeOf(req, origin, this.#now(), this.#config.http.hostId);
  }

  async #respond(
    req: IncomingMessage,
    res: ServerResponse,
    envelope: RequestEnvelope,
    target: string,
  ): Promise<void> {
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    if (isHealthPath(path)) return this.#entryPoints.health.answer(req, res, path, envelope);
    if (path !== '/') return sendApiError(req, res, envelope, serverErrors.pathNotFound());
    return this.#entryPoints.rpc.answer(req, res, envelope, q < 0 ? '' : target.slice(q + 1));
  }
}
