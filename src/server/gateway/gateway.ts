import { Agent, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type Socket } from 'node:net';
import { rootCertificates } from 'node:tls';
import { AuthError, IncompleteSignatureReason } from '../../auth/auth-error.js';
import { isFormUrlEncoded } from '../../auth/request-params.js';
import type { SignedRequest } from '../../auth/signed-request.js';
import { KeyFenceError } from '../../common/keyfence-error.js';
import { isPromise } from '../../common/maybe-promise.js';
import type { GatewayConfig, GatewayRoute } from '../../config/keyfence-config.js';
import { displayAddress } from '../../net/display-address.js';
import type { Decision } from '../../policy/decision.js';
import type { RequestRecord } from '../../request/request-record.js';
import type { SourceOrigin } from '../../request/source/resolve-source.js';
import type { AccessGate, Identified } from '../access/access-gate.js';
import { identityHeaders } from '../access/identity-headers.js';
import { hostNameOf, ServiceRoutes } from '../access/service-routes.js';
import { gatewayErrors, serverErrors } from '../errors/api-error.js';
import { toApiError } from '../errors/to-api-error.js';
import { hostIdOf } from '../http/host-id.js';
import { declaresBody, readBody } from '../http/read-body.js';
import { requestHeaders } from '../http/request-headers.js';
import { newRequestId } from '../http/request-id.js';
import { extraCaCertificates, loadCaCertificates } from '../http/tls-credentials.js';
import { ContentHashCheck } from './content-hash-check.js';
import { Exchange } from './exchange.js';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './forwarded-headers.js';
import { WriteBatch } from './write-batch.js';

export interface GatewayDependencies {
  readonly gate: AccessGate;
  readonly config: GatewayConfig;
  /** Largest form body, read whole to verify its signed parameters. */
  readonly maxBodyBytes: number;
  /** `HostId` of error bodies; default the request's host name. */
  readonly hostId: string | undefined;
  /** The arrival time of each request. */
  readonly now: () => Date;
  /** Where each request's record goes; must not throw. */
  readonly record: (record: RequestRecord) => void;
  /**
   * Set under `audit.durability: strict`: records like `record` and resolves once the event is
   * durable (true) or lost (false); no answer is sent before (exchange.ts). Never rejects.
   */
  readonly recordDurably: ((record: RequestRecord) => Promise<boolean>) | undefined;
  /** Told of failures the client is not told about. */
  readonly onInternalError: (error: unknown, requestId: string) => void;
}

const EMPTY = Buffer.alloc(0);
const MAX_RECORDED_PATH = 1024;

/** Where a route's requests go, worked out once from its `upstream` URL. */
interface UpstreamTarget {
  readonly secure: boolean;
  readonly hostname: string;
  readonly port: number;
  /** The upstream's path prefix without its trailing slash ('' for none). */
  readonly prefix: string;
  /**
   * The name the certificate is checked against: node would take SNI from a Host header it can
   * see, and that is the client's. An IP address is checked as one, without SNI.
   */
  readonly servername: string;
}

function upstreamTarget(upstream: URL): UpstreamTarget {
  const secure = upstream.protocol === 'https:';
  const hostname = upstream.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    secure,
    hostname,
    port: upstream.port === '' ? (secure ? 443 : 80) : Number(upstream.port),
    prefix: upstream.pathname === '/' ? '' : upstream.pathname.replace(/\/$/, ''),
    servername: isIP(hostname) === 0 ? hostname : '',
  };
}

class UpstreamTimeout extends KeyFenceError {
  constructor() {
    super('Gateway.UpstreamTimeout', 'the upstream did not answer in time');
  }
}

/**
 * KeyFence as the reverse proxy in front of a platform's services: every request is routed by
 * Host and/or signed Version (`gateway.routes`), authenticated, decided and audited through the
 * access gate exactly as an RPC call, then forwarded with KeyFence's identity headers; bodies
 * stream both ways (docs/gateway.md). A form body is read whole first (at most `maxBodyBytes`),
 * since its parameters are what an HMAC-SHA1 signature covers; any other body streams under ACS3
 * and is checked against its signed hash as it passes (ContentHashCheck).
 */
export class Gateway {
  readonly #deps: GatewayDependencies;
  readonly #routes: ServiceRoutes;
  readonly #targets = new Map<GatewayRoute, UpstreamTarget>();
  /** Requests to upstreams, written once the burst of requests they came in with is handled. */
  readonly #writes = new WriteBatch();
  readonly #holdSocket = (socket: Socket) => this.#writes.hold(socket);
  readonly #agent = new Agent({ keepAlive: true, scheduling: 'lifo' });
  /**
   * For `https://` upstreams: Node's trust store, and `upstreamCa`'s certificates once
   * loadUpstreamCa has read them.
   */
  #secureAgent = new HttpsAgent({ keepAlive: true, scheduling: 'lifo' });

  /**
   * Throws on a route the table refuses or an upstream that is not
   * `http[s]://host[:port][/prefix]`.
   */
  constructor(deps: GatewayDependencies) {
    this.#deps = deps;
    this.#routes = new ServiceRoutes(deps.config.routes);
    deps.config.routes.forEach(({ upstream }, i) => {
      const scheme = upstream.protocol === 'http:' || upstream.protocol === 'https:';
      if (!scheme || upstream.search !== '' || upstream.username !== '') {
        throw new KeyFenceError(
          'Config.InvalidRoute',
          `gateway route ${i + 1}: upstream ${upstream.href} must be http[s]://host[:port][/path prefix]`,
        );
      }
    });
    for (const route of deps.config.routes) this.#targets.set(route, upstreamTarget(route.upstream));
  }

  /** The CA file for `https://` upstreams, when configured. */
  get upstreamCa(): string | undefined {
    return this.#deps.config.upstreamCa;
  }

  /**
   * Reads `upstreamCa`, when configured: before the first request, and again on a reload (SIGHUP),
   * when new upstream connections take the new certificates while those in use finish under the
   * old ones. Rejects with a TlsFileError naming the file when it holds no usable certificate,
   * and then keeps the certificates it had. Resolves true when there is a file to read.
   */
  async loadUpstreamCa(): Promise<boolean> {
    const file = this.#deps.config.upstreamCa;
    if (file === undefined) return false;
    // A `ca` list replaces Node's whole trust store: its roots and NODE_EXTRA_CA_CERTS's
    // certificates are given again with it.
    const ca = [
      ...rootCertificates,
      ...(await extraCaCertificates(process.env)),
      ...(await loadCaCertificates(file)),
    ];
    const previous = this.#secureAgent;
    this.#secureAgent = new HttpsAgent({ keepAlive: true, scheduling: 'lifo', ca });
    retire(previous);
    return true;
  }

  /** Closes the kept-alive upstream connections; requests in flight are cut. */
  close(): void {
    this.#agent.destroy();
    this.#secureAgent.destroy();
  }

  /** One request on a gateway listener, from the connection `origin`. */
  handle(req: IncomingMessage, res: ServerResponse, origin: SourceOrigin): void {
    const requestId = newRequestId();
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    const passage = this.#deps.gate.open({
      entryPoint: 'gateway',
      requestId,
      time: this.#deps.now(),
      origin,
      headers: req.headers,
      original: {
        method: req.method ?? 'GET',
        host: hostNameOf(req.headers.host) ?? null,
        path: path.slice(0, MAX_RECORDED_PATH),
      },
    });
    const exchange = new Exchange(
      req,
      res,
      passage,
      hostIdOf(req.headers.host, this.#deps.hostId),
      this.#deps.record,
      this.#deps.recordDurably,
    );
    // The client leaving before the answer is complete ends the exchange, wherever it stood.
    res.once('close', () => {
      if (!res.writableFinished) exchange.clientLeft();
    });
    this.#run(exchange, path, q < 0 ? '' : target.slice(q + 1), origin.address).catch((thrown: unknown) => {
      const { error, internal } = toApiError(thrown);
      if (internal) this.#deps.onInternalError(thrown, requestId);
      exchange.refuse(error);
    });
  }

  async #run(exchange: Exchange, path: string, rawQuery: string, peer: string | undefined): Promise<void> {
    const { gate, maxBodyBytes } = this.#deps;
    const { req, passage } = exchange;
    let body: Buffer | null = EMPTY;
    if (declaresBody(req)) {
      body = null;
      if (isFormUrlEncoded(req.headers['content-type'])) {
        const read = await readBody(req, maxBodyBytes);
        if (read.kind === 'aborted') return;
        if (read.kind === 'too-large') throw serverErrors.bodyTooLarge(maxBodyBytes);
        body = read.body;
      }
    } else req.resume();

    const request: SignedRequest = {
      method: req.method ?? 'GET',
      path,
      rawQuery,
      headers: requestHeaders(req),
      body,
    };
    const who = await gate.authenticate(passage, request);
    const route = this.#routes.match(passage.arrival.original?.host ?? undefined, who.version);
    if (route === undefined) throw gatewayErrors.noRoute();
    // HMAC-SHA1 covers parameters, never a body: one that is not a form would pass unsigned.
    if (body === null && who.signatureVersion !== 'v3') {
      throw AuthError.incompleteSignature(IncompleteSignatureReason.RpcBodyNotSigned);
    }
    const enforced = gate.enforce(passage, who, {
      service: route.service,
      path,
      usedAs: passage.progress.product ?? route.service,
    });
    // A decision made in memory, as it is for every key this node has heard of, is not awaited.
    const decision = isPromise(enforced) ? await enforced : enforced;
    if (exchange.settled) return;
    this.#forward(exchange, route, who, decision, body, peer);
  }

  #forward(
    exchange: Exchange,
    route: GatewayRoute,
    who: Identified,
    decision: Decision,
    body: Buffer | null,
    peer: string | undefined,
  ): void {
    const { req, passage } = exchange;
    const target = this.#targets.get(route)!;
    const { secure } = target;
    const outgoing = (secure ? httpsRequest : httpRequest)({
      hostname: target.hostname,
      port: target.port,
      ...(secure ? { servername: target.servername } : {}),
      method: req.method,
      path: `${target.prefix}${req.url ?? '/'}`,
      headers: upstreamRequestHeaders(req.rawHeaders, {
        peer: displayAddress(peer ?? ''),
        peerTrusted: peer !== undefined && this.#deps.gate.trustedProxies.contains(peer),
        vpcId: passage.source.vpcId,
        identity: identityHeaders(who.caller, decision, exchange.requestId),
      }),
      agent: secure ? this.#secureAgent : this.#agent,
    });
    outgoing.once('socket', this.#holdSocket);
    outgoing.setTimeout(this.#deps.config.upstreamTimeoutMs, () => outgoing.destroy(new UpstreamTimeout()));
    exchange.outgoing = outgoing;

    let bodyRefused = false;
    outgoing.on('response', (answer) => this.#relay(exchange, answer));
    outgoing.on('error', (error) => {
      if (bodyRefused || exchange.settled) return;
      exchange.refuse(
        error instanceof UpstreamTimeout
          ? gatewayErrors.upstreamTimeout()
          : gatewayErrors.upstreamUnreachable(),
      );
    });

    if (body !== null) {
      outgoing.end(body);
      return;
    }
    const expected = req.headers['x-acs-content-sha256'] as string;
    const check = new ContentHashCheck(expected.trim());
    check.once('error', (error) => {
      bodyRefused = true;
      outgoing.destroy();
      exchange.refuse(toApiError(error).error);
    });
    req.pipe(check).pipe(outgoing);
  }

  /**
   * Passes the upstream's answer on, streaming; a break on either side cuts the other. Under
   * strict durability the head waits for its event; an answer that may not be sent is discarded.
   */
  #relay(exchange: Exchange, answer: IncomingMessage): void {
    const { res } = exchange;
    if (exchange.settled) {
      answer.destroy();
      return;
    }
    exchange.answer = answer;
    const status = answer.statusCode ?? 502;
    const begun = exchange.begin(status);
    if (begun === undefined) this.#passOn(answer, res, status);
    else {
      void begun.then((send) => {
        if (send) this.#passOn(answer, res, status);
        else answer.destroy();
      });
    }
    // The upstream broke off its answer: the client's connection is cut so it cannot take the
    // partial body for a whole one.
    const broken = () => exchange.refuse(gatewayErrors.upstreamUnreachable());
    answer.once('error', broken);
    answer.once('aborted', broken);
    res.once('finish', () => exchange.settle(status, null));
  }

  /**
   * The upstream's answer on to the client: its head, then its body as it streams, paused while
   * the client's connection is full. Not `pipe`, which adds and later removes seven listeners per
   * answer to cover what the exchange already does (a break on either side cuts the other).
   */
  #passOn(answer: IncomingMessage, res: ServerResponse, status: number): void {
    res.writeHead(status, downstreamResponseHeaders(answer.rawHeaders));
    answer.on('data', (chunk: Buffer) => {
      if (!res.write(chunk)) {
        answer.pause();
        res.once('drain', () => answer.resume());
      }
    });
    answer.once('end', () => res.end());
  }
}

/**
 * An agent no new request will use: its idle connections close now, and each one in use closes
 * when its request is done instead of waiting for another (`keepAlive` is read as a socket is
 * freed).
 */
function retire(agent: HttpsAgent): void {
  (agent as HttpsAgent & { keepAlive: boolean }).keepAlive = false;
  for (const sockets of Object.values(agent.freeSockets))
    for (const socket of sockets ?? []) socket.destroy();
}
