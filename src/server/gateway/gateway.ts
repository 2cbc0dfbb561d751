import type { IncomingMessage, ServerResponse } from 'node:http';
import { rootCertificates } from 'node:tls';
import type { Dispatcher } from 'undici';
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
import { upstreamRequestHeaders } from './forwarded-headers.js';
import { UpstreamAnswer } from './upstream-answer.js';
import { UpstreamPools, type UpstreamTarget, upstreamTarget } from './upstream-pools.js';

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
  readonly #pools: UpstreamPools;

  /**
   * Throws on a route the table refuses or an upstream that is not
   * `http[s]://host[:port][/prefix]`.
   */
  constructor(deps: GatewayDependencies) {
    this.#deps = deps;
    this.#routes = new ServiceRoutes(deps.config.routes);
    this.#pools = new UpstreamPools(deps.config.upstreamTimeoutMs);
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
    this.#pools.trust(ca);
    return true;
  }

  /** Closes the kept-alive upstream connections; requests in flight are cut. */
  close(): void {
    this.#pools.close();
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
    // `servername` is read by undici's requests but missing from its types.
    const options: Dispatcher.DispatchOptions & { readonly servername: string } = {
      method: req.method ?? 'GET',
      path: `${target.prefix}${req.url ?? '/'}`,
      servername: target.servername,
      headers: upstreamRequestHeaders(req.rawHeaders, {
        peer: displayAddress(peer ?? ''),
        peerTrusted: peer !== undefined && this.#deps.gate.trustedProxies.contains(peer),
        vpcId: passage.source.vpcId,
        identity: identityHeaders(who.caller, decision, exchange.requestId),
      }),
      body: body === null ? checkedBody(exchange) : body.length === 0 && !declaresBody(req) ? null : body,
    };
    this.#pools.pool(target).dispatch(options, new UpstreamAnswer(exchange));
  }
}

/**
 * The request's body as it streams to the upstream, checked against its signed hash on the way
 * (ContentHashCheck): a mismatch refuses the exchange and cuts the upstream's request.
 */
function checkedBody(exchange: Exchange): ContentHashCheck {
  const { req } = exchange;
  const streamed = new ContentHashCheck((req.headers['x-acs-content-sha256'] as string).trim());
  streamed.once('error', (error) => {
    exchange.refuse(toApiError(error).error);
    exchange.abortUpstream?.();
  });
  req.pipe(streamed);
  // Until undici starts the request (a new connection may still be connecting), cutting it means
  // ending its body: a client gone mid-upload leaves no request waiting on the pool.
  exchange.abortUpstream = () => streamed.destroy(new Error('the exchange ended'));
  return streamed;
}
