import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { type Logger, pino } from 'pino';
import { type AuditSink, noAuditSink } from '../audit/audit-sink.js';
import { NonceBatcher, type NonceBatcherCounters } from '../auth/nonce-batcher.js';
import { NonceJournal } from '../auth/nonce-journal.js';
import type { NonceLedger } from '../auth/nonce-ledger.js';
import { ReplayGuard } from '../auth/replay-guard.js';
import { isFormUrlEncoded } from '../auth/request-params.js';
import { KeyFenceError } from '../common/keyfence-error.js';
import { isPromise, type MaybePromise } from '../common/maybe-promise.js';
import type { ListenerConfig } from '../config/keyfence-config.js';
import { defaultNodeId, isNodeId } from '../config/node-id.js';
import { DecisionIndex } from '../policy/decision-index.js';
import { DEFAULT_POLICY_LIMITS } from '../policy/policy-limits.js';
import type { RequestRecord } from '../request/request-record.js';
import type { ConnectionOrigin } from '../request/source/connection-origin.js';
import type { ProxyFault, ProxyFaultCode } from '../request/source/proxy-protocol/proxy-header.js';
import { TrustedProxies } from '../request/source/trusted-proxies.js';
import { isStoreError } from '../store/index.js';
import { CredentialCache } from '../sync/credential-cache.js';
import { IndexFollower, type SyncStatistics } from '../sync/index-follower.js';
import { NodeHeartbeat } from '../sync/node-heartbeat.js';
import { describeFailure, OutageLog } from '../sync/outage-log.js';
import { StoreContact } from '../sync/store-contact.js';
import { StoreHousekeeping } from '../sync/store-housekeeping.js';
import { UserPolicyAttachments } from '../sync/user-policy-attachments.js';
import { AccessGate } from './access/access-gate.js';
import { credentialLookup } from './access/credential-adapter.js';
import { Exemptions } from './access/exemptions.js';
import { KeyUseRecorder } from './access/key-use-recorder.js';
import { ServiceRoutes } from './access/service-routes.js';
import { type ApiError, serverErrors } from './errors/api-error.js';
import { errorBody } from './errors/error-body.js';
import { type ForwardAuthAnswer, ForwardAuthEndpoint } from './forward-auth/forward-auth-endpoint.js';
import { isForwardAuthTarget } from './forward-auth/original-request.js';
import { refusalAnswer } from './forward-auth/refusal-answer.js';
import { Gateway } from './gateway/gateway.js';
import { AnswerBatch } from './http/answer-batch.js';
import { hostIdOf } from './http/host-id.js';
import { Listener, type ListenerSettings } from './http/listener.js';
import { declaresBody, readBody } from './http/read-body.js';
import { requestHeaders } from './http/request-headers.js';
import { newRequestId } from './http/request-id.js';
import { JSON_CONTENT_TYPE, sendJson } from './http/send-json.js';
import { DecisionCounters } from './metrics/decision-counters.js';
import { KeyFenceMetrics } from './metrics/keyfence-metrics.js';
import type { ServerStatus } from './metrics/server-status.js';
import { ActionRegistry } from './rpc/action-registry.js';
import { type RpcCallEnvelope, RpcEndpoint, type RpcOutcome } from './rpc/rpc-endpoint.js';
import { attachedPoliciesOf } from './rpc/store-policies.js';
import { type KeyFenceServerOptions, largestRequest, SERVER_DEFAULTS } from './server-options.js';

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

const ALLOWED_RPC_METHODS = 'GET, POST';

/** Where admitted nonces go beyond this process: claims in the store, or this node's journal. */
type DurableNonces = NonceLedger & {
  readonly counters: NonceBatcherCounters;
  close(): Promise<number>;
};
/** How long a connection refused with an error answer is left to the client before it is cut. */
const CLIENT_ERROR_LINGER_MS = 1000;

/**
 * The HTTP side of KeyFence on bare node:http, on one or more listeners sharing one request
 * handler: on `api` listeners the RPC API at `/`, forward-auth checks at `/forward-auth`,
 * liveness at `/healthz`, readiness at `/readyz`, JSON errors in Alibaba's shape for everything
 * else; on `gateway` listeners the gateway.
 */
export function createServer(options: KeyFenceServerOptions): KeyFenceServer {
  return new HttpKeyFenceServer(options);
}

class HttpKeyFenceServer implements KeyFenceServer {
  readonly #listenerSettings: ListenerSettings;
  #listeners: readonly Listener[] = [];
  readonly #proxyHeaderFaults = new Map<ProxyFaultCode, number>();
  readonly #endpoint: RpcEndpoint;
  readonly #forwardAuth: ForwardAuthEndpoint;
  readonly #checkAnswers = new AnswerBatch((error) =>
    this.#log.error({ err: error }, 'a forward-auth answer could not be written'),
  );
  /** Arrival times, signature windows, key expiry and last use: one clock (tests pin it). */
  readonly #now: () => Date;
  /** Undefined without routes: gateway listeners then answer 501. */
  readonly #gateway: Gateway | undefined;
  readonly #follower: IndexFollower;
  readonly #heartbeat: NodeHeartbeat;
  readonly #credentials: CredentialCache;
  readonly #contact: StoreContact;
  readonly #keyUses: KeyUseRecorder;
  /** Undefined with `replayProtection: memory`. */
  readonly #nonces: DurableNonces | undefined;
  readonly #housekeeping: StoreHousekeeping;
  readonly #decisions = new DecisionCounters();
  readonly #metrics: KeyFenceMetrics;
  readonly #audit: AuditSink;
  readonly #log: Logger;
  readonly #outage: OutageLog;
  readonly #hostId: string | undefined;
  readonly #maxBodyBytes: number;
  readonly #shutdownTimeoutMs: number;
  #ready = false;
  #closing: Promise<void> | undefined;

  constructor(options: KeyFenceServerOptions) {
    this.#log = options.logger ?? pino({ enabled: false });
    this.#audit = options.auditSink ?? noAuditSink;
    this.#hostId = options.hostId;
    const policyLimits = options.policyLimits ?? DEFAULT_POLICY_LIMITS;
    const largest = largestRequest(policyLimits);
    this.#maxBodyBytes = positive('maxBodyBytes', options.maxBodyBytes ?? largest);
    this.#shutdownTimeoutMs = positive(
      'shutdownTimeoutMs',
      options.shutdownTimeoutMs ?? SERVER_DEFAULTS.shutdownTimeoutMs,
    );
    this.#contact = new StoreContact({
      staleAfterMs: positive('staleAfterMs', options.staleAfterMs ?? SERVER_DEFAULTS.staleAfterMs),
    });
    const outage = options.outageLog ?? new OutageLog({ log: this.#log });
    this.#outage = outage;
    const onError = (what: string) => (error: unknown) => {
      if (isStoreError(error, 'Store.Database')) this.#contact.failed();
      outage.failed(what, error);
    };
    this.#credentials = new CredentialCache(options.store, {
      onUndecryptable: onError('a stored AccessKey secret does not decrypt: the key cannot authenticate'),
    });
    const attachments = new UserPolicyAttachments();
    const exemptions = new Exemptions(options.exemptServices ?? []);
    this.#follower = new IndexFollower(
      options.store,
      new DecisionIndex({ exemptServices: exemptions.wholeServices }),
      {
        pollIntervalMs: positive('pollIntervalMs', options.pollIntervalMs ?? SERVER_DEFAULTS.pollIntervalMs),
        onError: onError('applying the change log failed'),
        onApplied: () => this.#heartbeat.beat(),
        onFeed: (error) => {
          if (error === undefined) this.#log.info('the change feed is listening again; caught up');
          else
            this.#log.warn(
              { error: describeFailure(error) },
              'the change feed lost its connection; reconnecting',
            );
        },
        consumers: [this.#credentials, attachments],
        onSynced: () => {
          this.#contact.succeeded();
          outage.succeeded();
        },
      },
    );
    const nodeId = options.nodeId ?? defaultNodeId();
    if (!isNodeId(nodeId)) throw new RangeError(`nodeId ${JSON.stringify(nodeId)} is not a valid node ID`);
    this.#heartbeat = new NodeHeartbeat(options.store, {
      nodeId,
      heartbeatMs: positive('heartbeatMs', options.heartbeatMs ?? SERVER_DEFAULTS.heartbeatMs),
      appliedVersion: () => this.#follower.appliedVersion,
      onError: onError('recording the node status failed'),
    });
    this.#keyUses = new KeyUseRecorder(options.store, {
      intervalMs: SERVER_DEFAULTS.keyUseFlushMs,
      onError: onError('recording AccessKey last use failed; kept for the next attempt'),
    });
    this.#housekeeping = new StoreHousekeeping(options.store, {
      intervalMs: options.housekeepingMs ?? SERVER_DEFAULTS.housekeepingMs,
      forgetNodesAfterMs: options.forgetNodesAfterMs ?? SERVER_DEFAULTS.forgetNodesAfterMs,
      onDeleted: (chore, count) => this.#log.info({ chore, count }, 'housekeeping deleted rows'),
      onError: (chore, error) =>
        onError(`housekeeping (${chore}) failed; tried again at the next interval`)(error),
    });
    this.#metrics = new KeyFenceMetrics({
      decisions: this.#decisions,
      sync: () => this.#follower,
      status: () => this.status,
      audit: () => this.#audit.counters,
      proxyHeaderFaults: () => this.#proxyHeaderFaults,
    });
    const now = options.now ?? (() => new Date());
    this.#now = now;
    const replayGuard = new ReplayGuard();
    const replayProtection = options.replayProtection ?? options.config?.replayProtection ?? 'store';
    this.#nonces =
      replayProtection === 'memory'
        ? undefined
        : options.replayJournalDir !== undefined
          ? this.#openJournal(options.replayJournalDir, replayGuard)
          : new NonceBatcher({
              write: (nonces) => options.store.claimSignatureNonces(nonces),
              windowMs: replayGuard.windowMs,
              onUnreachable: onError(
                'storing signature nonces failed: replays are refused from this node’s memory only until the store is back',
              ),
              onReachable: (pending) =>
                this.#log.info(
                  { pending },
                  'signature nonces are stored again; storing those accepted meanwhile',
                ),
              onLateReplays: (count) =>
                this.#log.warn(
                  { count },
                  'replayed requests were accepted while the store was unreachable (found once their nonces were stored)',
                ),
            });
    const gate = new AccessGate({
      follower: this.#follower,
      trustedProxies: options.trustedProxies ?? TrustedProxies.none,
      replayGuard,
      ...(this.#nonces === undefined ? {} : { nonceLedger: this.#nonces }),
      credentials: (request) =>
        credentialLookup((accessKeyId) => this.#credentials.find(accessKeyId), request),
      findCredential: (accessKeyId) =>
        this.#credentials.get(accessKeyId) ?? this.#credentials.find(accessKeyId),
      securityTokenExpiry: (accessKeyId, token) => options.store.securityTokenExpiry(accessKeyId, token),
      keyUses: this.#keyUses,
      exemptions,
      now,
      decisions: this.#decisions,
    });
    this.#endpoint = new RpcEndpoint({
      store: options.store,
      actions: new ActionRegistry(options.actions),
      follower: this.#follower,
      gate,
      policiesOf: options.policiesOf ?? attachedPoliciesOf(attachments),
      policyLimits,
      now,
      audit: this.#audit,
    });
    const forwardAuth = options.forwardAuth ?? options.config?.forwardAuth;
    const gateway = options.gateway ?? options.config?.gateway;
    this.#forwardAuth = new ForwardAuthEndpoint({
      gate,
      routes: new ServiceRoutes(gateway?.routes ?? []),
      verifySignature: forwardAuth?.verifySignature ?? true,
      hostId: (host) => hostIdOf(host, this.#hostId),
    });
    this.#gateway =
      gateway === undefined || gateway.routes.length === 0
        ? undefined
        : new Gateway({
            gate,
            config: gateway,
            maxBodyBytes: this.#maxBodyBytes,
            hostId: this.#hostId,
            now,
            record: (record) => this.#record(record),
            recordDurably: this.#audit.recordDurably,
            onInternalError: (error, requestId) =>
              this.#log.error({ err: error, requestId }, 'gateway request failed'),
          });
    this.#listenerSettings = {
      http: {
        requestTimeout: positive(
          'requestTimeoutMs',
          options.requestTimeoutMs ?? SERVER_DEFAULTS.requestTimeoutMs,
        ),
        maxHeaderSize: positive('maxHeaderBytes', options.maxHeaderBytes ?? largest),
      },
      proxyHeaderTimeoutMs: positive(
        'proxyHeaderTimeoutMs',
        options.proxyHeaderTimeoutMs ?? SERVER_DEFAULTS.proxyHeaderTimeoutMs,
      ),
      vpcEndpoints: options.vpcEndpoints ?? new Map(),
    };
  }

  /** Journals admitted nonces in `dir` and gives the guard back what an earlier run admitted. */
  #openJournal(dir: string, guard: ReplayGuard): NonceJournal {
    const { journal, restored, refused } = NonceJournal.open({
      dir,
      guard,
      onError: (error) =>
        this.#log.error(
          { err: error, dir },
          'signature nonces cannot be journaled: replays are refused from this process’s memory only, which a restart forgets',
        ),
      onRecovered: () => this.#log.info({ dir }, 'signature nonces are journaled again'),
    });
    if (restored > 0) this.#log.info({ restored }, 'signature nonces of an earlier run restored');
    if (refused > 0) {
      this.#log.warn(
        { refused },
        'signature nonces of an earlier run did not fit the replay guard (its caps were lowered): their replays are not refused',
      );
    }
    return journal;
  }

  get proxyHeaderFaults(): ReadonlyMap<ProxyFaultCode, number> {
    return this.#proxyHeaderFaults;
  }

  get appliedVersion(): number {
    return this.#follower.appliedVersion;
  }

  get sync(): SyncStatistics {
    return this.#follower;
  }

  get nodeId(): string {
    return this.#heartbeat.nodeId;
  }

  get ready(): boolean {
    return this.#ready;
  }

  get status(): ServerStatus {
    const credentials = this.#credentials.counters;
    const keyUses = this.#keyUses.counters;
    const nonces = this.#nonces?.counters;
    return {
      appliedVersion: this.#follower.appliedVersion,
      ...this.#contact.staleness,
      sinceStoreContactMs: this.#contact.sinceLastSuccessMs,
      storeErrors: this.#contact.failures,
      credentialsHeld: credentials.held,
      credentialMisses: credentials.misses,
      keyUsesPending: keyUses.pending,
      keyUsesDropped: keyUses.dropped,
      nonceBatches: nonces?.batches ?? 0,
      noncesPending: nonces?.backlog ?? 0,
      noncesDropped: nonces?.dropped ?? 0,
      lateReplays: nonces?.lateReplays ?? 0,
    };
  }

  async start(listeners: readonly ListenerConfig[]): Promise<string[]> {
    if (listeners.length === 0)
      throw new KeyFenceError('Server.NoListener', 'start needs at least one listener');
    if (this.#listeners.length > 0 || this.#closing !== undefined)
      throw new KeyFenceError('Server.Started', 'the server was already started');
    const handlers = {
      request: (req: IncomingMessage, res: ServerResponse, origin: ConnectionOrigin<ListenerConfig>) =>
        this.#onRequest(req, res, origin),
      clientError: (error: NodeJS.ErrnoException, socket: Socket) => this.#onClientError(error, socket),
      proxyFault: (fault: ProxyFault, socket: Socket, listener: ListenerConfig) =>
        this.#onProxyFault(fault, socket, listener),
    };
    this.#listeners = await Promise.all(
      listeners.map((config) => Listener.create(config, this.#listenerSettings, handlers)),
    );
    await this.#gateway?.loadUpstreamCa();
    // Every bind settles before any is undone, so that none is left bound behind a failure.
    const bound = await Promise.allSettled(this.#listeners.map((listener) => listener.listen()));
    const failed = bound.find((outcome) => outcome.status === 'rejected');
    if (failed !== undefined) {
      await this.close();
      throw failed.reason;
    }
    try {
      await this.#follower.start();
    } catch (error) {
      await this.close();
      throw error;
    }
    // A close() during the load wins: a closed server never turns ready.
    if (this.#closing !== undefined)
      throw new KeyFenceError('Server.Closed', 'the server was closed while starting');
    this.#ready = true;
    const urls = bound.map((outcome) => (outcome as PromiseFulfilledResult<string>).value);
    this.#heartbeat.start(urls[0]!);
    this.#housekeeping.start();
    return urls;
  }

  async reloadTls(): Promise<number> {
    const listeners = this.#listeners.filter((listener) => listener.config.tls !== undefined);
    const outcomes = await Promise.allSettled(listeners.map((listener) => listener.reloadTls()));
    let failed = await this.#reloadUpstreamCa();
    outcomes.forEach((outcome, i) => {
      const { address, tls } = listeners[i]!.config;
      if (outcome.status === 'fulfilled') {
        this.#log.info({ listener: address, cert: tls!.cert }, 'TLS certificate reloaded');
        return;
      }
      failed++;
      const error = outcome.reason as Error;
      this.#log.error(
        { listener: address, code: (error as { code?: string }).code, error: error.message },
        'TLS certificate reload failed; the one loaded before stays in use',
      );
    });
    return failed;
  }

  /** The gateway's `upstreamCa` read again; 1 when that failed (the certificates before stay). */
  async #reloadUpstreamCa(): Promise<number> {
    const file = this.#gateway?.upstreamCa;
    try {
      if (await this.#gateway?.loadUpstreamCa())
        this.#log.info({ upstreamCa: file }, 'gateway upstream CA reloaded');
      return 0;
    } catch (error) {
      this.#log.error(
        { upstreamCa: file, code: (error as { code?: string }).code, error: (error as Error).message },
        'gateway upstream CA reload failed; the certificates loaded before stay in use',
      );
      return 1;
    }
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#ready = false;
    const drained = Promise.all(this.#listeners.map((listener) => listener.close()));
    const deadline = setTimeout(() => {
      this.#log.warn({ timeoutMs: this.#shutdownTimeoutMs }, 'in-flight requests cut off at shutdown');
      for (const listener of this.#listeners) listener.closeAllConnections();
    }, this.#shutdownTimeoutMs);
    await drained;
    clearTimeout(deadline);
    this.#gateway?.close();
    const unstored = (await this.#nonces?.close()) ?? 0;
    if (unstored > 0) {
      this.#log.warn({ count: unstored }, 'signature nonces accepted from memory were never stored');
    }
    await this.#follower.stop();
    await this.#heartbeat.stop();
    await this.#housekeeping.stop();
    this.#credentials.close();
    await this.#keyUses.close();
    await this.#audit.flush();
  }

  #onRequest(req: IncomingMessage, res: ServerResponse, origin: ConnectionOrigin<ListenerConfig>): void {
    // While closing, every response ends its connection, so keep-alive clients do not hold the drain open.
    if (this.#closing !== undefined) res.setHeader('connection', 'close');
    if (origin.listener.role === 'gateway') {
      this.#onGatewayRequest(req, res, origin);
      return;
    }
    const target = req.url ?? '/';
    if (isForwardAuthTarget(target)) {
      this.#checkForwardAuth(req, res, origin, target);
      return;
    }
    const envelope = this.#envelope(req, origin);
    this.#respond(req, res, envelope).catch((error: unknown) => {
      this.#log.error({ err: error, requestId: envelope.requestId }, 'request failed outside the endpoint');
      if (res.headersSent) res.destroy();
      else this.#sendError(req, res, envelope, serverErrors.internalError());
    });
  }

  #envelope(req: IncomingMessage, origin: ConnectionOrigin<ListenerConfig>): RpcCallEnvelope {
    return {
      requestId: newRequestId(),
      time: this.#now(),
      origin,
      headers: req.headers,
      hostId: hostIdOf(req.headers.host, this.#hostId),
    };
  }

  /** A request on a `gateway` listener. */
  #onGatewayRequest(
    req: IncomingMessage,
    res: ServerResponse,
    origin: ConnectionOrigin<ListenerConfig>,
  ): void {
    if (this.#gateway === undefined) {
      this.#sendError(req, res, this.#envelope(req, origin), serverErrors.gatewayNotConfigured());
      return;
    }
    this.#gateway.handle(req, res, origin);
  }

  async #respond(req: IncomingMessage, res: ServerResponse, envelope: RpcCallEnvelope): Promise<void> {
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);

    if (path === '/healthz' || path === '/readyz' || path === '/metrics') {
      if (req.method !== 'GET') {
        return this.#sendError(req, res, envelope, serverErrors.methodNotAllowed('GET'), 'GET');
      }
      if (path === '/healthz') return sendJson(res, 200, { status: 'ok' }, undefined);
      if (path === '/metrics') {
        const text = await this.#metrics.text();
        res.writeHead(200, {
          'content-type': this.#metrics.contentType,
          'content-length': Buffer.byteLength(text),
        });
        res.end(text);
        return;
      }
      if (!this.#ready)
        return sendJson(res, 503, { status: this.#closing ? 'stopping' : 'starting' }, undefined);
      // Stale or not, a ready node answers 200: it keeps deciding from memory (fail-static), and a
      // load balancer must not take every node out at once while the database is away.
      const { stale, staleForMs } = this.#contact.staleness;
      return sendJson(
        res,
        200,
        {
          status: 'ready',
          appliedVersion: this.#follower.appliedVersion,
          nodeId: this.#heartbeat.nodeId,
          stale,
          staleForMs,
        },
        undefined,
      );
    }
    if (path !== '/') return this.#sendError(req, res, envelope, serverErrors.pathNotFound());
    if (req.method !== 'GET' && req.method !== 'POST') {
      if (declaresBody(req)) res.setHeader('connection', 'close');
      return this.#finish(
        res,
        this.#endpoint.refuse(envelope, serverErrors.methodNotAllowed(ALLOWED_RPC_METHODS)),
        ALLOWED_RPC_METHODS,
      );
    }

    const read = await readBody(req, this.#maxBodyBytes);
    if (read.kind === 'aborted') return;
    if (read.kind === 'too-large') {
      // The rest of the body is never read: the connection cannot be reused.
      res.setHeader('connection', 'close');
      return this.#finish(
        res,
        this.#endpoint.refuse(envelope, serverErrors.bodyTooLarge(this.#maxBodyBytes)),
      );
    }
    if (read.body.length > 0 && !isFormUrlEncoded(req.headers['content-type'])) {
      return this.#finish(res, this.#endpoint.refuse(envelope, serverErrors.unsupportedMediaType()));
    }
    const outcome = await this.#endpoint.call({
      ...envelope,
      request: {
        method: req.method,
        path,
        rawQuery: q < 0 ? '' : target.slice(q + 1),
        // Every value of every header, so that a repeated header is refused rather than half-read.
        headers: requestHeaders(req),
        body: read.body,
      },
    });
    return this.#finish(res, outcome);
  }

  /**
   * Answers a gateway's forward-auth check, then hands its record to the audit sink; in the turn
   * the request arrived in whenever the check needs nothing but memory.
   */
  #checkForwardAuth(
    req: IncomingMessage,
    res: ServerResponse,
    origin: ConnectionOrigin<ListenerConfig>,
    target: string,
  ): void {
    // The gateway keeps the original body; one sent here is never read, so the connection cannot be reused.
    if (declaresBody(req)) res.setHeader('connection', 'close');
    const requestId = newRequestId();
    let answer: MaybePromise<ForwardAuthAnswer>;
    try {
      answer = this.#forwardAuth.check({
        requestId,
        time: this.#now(),
        origin,
        method: req.method ?? 'GET',
        target,
        headers: req.headers,
        exactHeaders: requestHeaders(req),
      });
    } catch (error) {
      this.#checkFailed(req, res, origin, requestId, error);
      return;
    }
    if (!isPromise(answer)) this.#answerCheck(res, answer);
    else {
      answer.then(
        (settled) => this.#answerCheck(res, settled),
        (error: unknown) => this.#checkFailed(req, res, origin, requestId, error),
      );
    }
  }

  #answerCheck(res: ServerResponse, answer: ForwardAuthAnswer): void {
    const { record } = answer;
    if (answer.internalError !== undefined) {
      this.#internalError(answer.internalError, record.requestId, 'forward-auth check failed');
    }
    const durably = this.#audit.recordDurably;
    if (durably === undefined) {
      this.#checkAnswers.add(res, answer);
      this.#record(record);
      return;
    }
    void durably(record).then((durable) => {
      if (durable) this.#checkAnswers.add(res, answer);
      else {
        const { status, body } = this.#auditRefusal(record.requestId, undefined);
        this.#checkAnswers.add(res, refusalAnswer(status, body, record.requestId, undefined));
      }
    });
  }

  /**
   * Under `audit.durability: strict`, the answer to a request whose event could not be kept
   * (queue or spool full, spool unwritable): nothing may be answered without its event.
   */
  #auditRefusal(
    requestId: string,
    host: string | undefined,
  ): { status: number; body: Record<string, unknown> } {
    const error = serverErrors.auditUnavailable();
    return {
      status: error.httpStatus,
      body: errorBody(requestId, hostIdOf(host, this.#hostId), error, null),
    };
  }

  /** A check that threw past the endpoint (a defect): 500, logged, not audited. */
  #checkFailed(
    req: IncomingMessage,
    res: ServerResponse,
    origin: ConnectionOrigin<ListenerConfig>,
    requestId: string,
    error: unknown,
  ): void {
    this.#log.error({ err: error, requestId }, 'forward-auth check failed outside the endpoint');
    if (res.headersSent) res.destroy();
    else
      this.#sendError(req, res, { ...this.#envelope(req, origin), requestId }, serverErrors.internalError());
  }

  /**
   * Answers a call of the RPC API, then hands its record to the audit sink: unless its event was
   * stored with its change; under `audit.durability: strict`, before answering, once it is durable.
   */
  #finish(res: ServerResponse, outcome: RpcOutcome, allow?: string): void | Promise<void> {
    const { record } = outcome;
    if (outcome.internalError !== undefined) {
      this.#internalError(outcome.internalError, record.requestId, 'request failed');
    }
    const headers: Record<string, string> = allow === undefined ? {} : { allow };
    const durably = this.#audit.recordDurably;
    if (outcome.audited || durably === undefined) {
      sendJson(res, outcome.status, outcome.body, record.requestId, headers);
      if (!outcome.audited) this.#record(record);
      return;
    }
    return durably(record).then((durable) => {
      if (durable) sendJson(res, outcome.status, outcome.body, record.requestId, headers);
      else {
        const refusal = this.#auditRefusal(record.requestId, res.req.headers.host);
        sendJson(res, refusal.status, refusal.body, record.requestId, headers);
      }
    });
  }

  /** A database outage's failures are summed up by the outage log; anything else is a defect. */
  #internalError(error: unknown, requestId: string, what: string): void {
    if (isStoreError(error, 'Store.Database')) this.#outage.failed(what, error);
    else this.#log.error({ err: error, requestId }, what);
  }

  #record(record: RequestRecord): void {
    try {
      this.#audit.record(record);
    } catch (error) {
      this.#log.error({ err: error, requestId: record.requestId }, 'the audit sink threw');
    }
  }

  /** Errors outside the RPC API (unknown path, health endpoint misuse): answered, not audited. */
  #sendError(
    req: IncomingMessage,
    res: ServerResponse,
    envelope: RpcCallEnvelope,
    error: ApiError,
    allow?: string,
  ): void {
    // A body sent here is never read; draining it for keep-alive would read whatever the client sends.
    if (declaresBody(req)) res.setHeader('connection', 'close');
    const body = errorBody(envelope.requestId, envelope.hostId, error, null);
    sendJson(res, error.httpStatus, body, envelope.requestId, allow === undefined ? {} : { allow });
  }

  /** A connection refused before HTTP: a client, scanner or misconfigured proxy; never an error of ours. */
  #onProxyFault(fault: ProxyFault, socket: Socket, listener: ListenerConfig): void {
    this.#proxyHeaderFaults.set(fault.code, (this.#proxyHeaderFaults.get(fault.code) ?? 0) + 1);
    this.#log.debug(
      { code: fault.code, reason: fault.message, peer: socket.remoteAddress, listener: listener.address },
      'connection refused: PROXY header',
    );
  }

  /** Requests node:http could not parse: still answered in JSON, since the SDKs parse every error body. */
  #onClientError(error: NodeJS.ErrnoException, socket: Socket): void {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const apiError =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? serverErrors.headersTooLarge()
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? serverErrors.requestTimeout()
          : serverErrors.malformedRequest();
    const requestId = newRequestId();
    const text = JSON.stringify(errorBody(requestId, hostIdOf(undefined, this.#hostId), apiError, null));
    const status = apiError.httpStatus;
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: ${JSON_CONTENT_TYPE}\r\n` +
        `content-length: ${Buffer.byteLength(text)}\r\nx-acs-request-id: ${requestId}\r\nconnection: close\r\n\r\n${text}`,
    );
    // end() closes only once the client has read the answer and closed its side: one that never
    // does must not hold the connection.
    const linger = setTimeout(() => socket.destroy(), CLIENT_ERROR_LINGER_MS);
    socket.once('close', () => clearTimeout(linger));
  }
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer`);
  return value;
}
