import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHeaders, SignedRequest } from '../../auth/signed-request.js';
import { isPromise, type MaybePromise } from '../../common/maybe-promise.js';
import type { Decision } from '../../policy/decision.js';
import type { OriginalRequest, RequestRecord } from '../../request/request-record.js';
import type { SourceOrigin } from '../../request/source/resolve-source.js';
import type { AccessGate, Identified } from '../access/access-gate.js';
import { identityHeaders } from '../access/identity-headers.js';
import { type Passage, recordOf } from '../access/passage.js';
import { hostNameOf, type ServiceRoutes } from '../access/service-routes.js';
import { type ApiError, forwardAuthErrors } from '../errors/api-error.js';
import { errorBody } from '../errors/error-body.js';
import { toApiError } from '../errors/to-api-error.js';
import { type AskedRequest, readAskedRequest } from './original-request.js';
import { DENY_STATUS_HEADER, denyStatusOf, refusalAnswer } from './refusal-answer.js';

export interface ForwardAuthDependencies {
  readonly gate: AccessGate;
  readonly routes: ServiceRoutes;
  /** `forwardAuth.verifySignature`: false trusts an upstream verifier and only identifies the key. */
  readonly verifySignature: boolean;
  /** `HostId` of error bodies, from the Host the gateway's request names. */
  readonly hostId: (host: string | undefined) => string;
}

/** A forward-auth request as the HTTP layer hands it over. */
export interface ForwardAuthCall {
  readonly requestId: string;
  readonly time: Date;
  /** The connection's origin: the gateway asking (it must be a trusted proxy). */
  readonly origin: SourceOrigin;
  readonly method: string;
  /** The request target, `/forward-auth…`. */
  readonly target: string;
  /** For the source (forwarding headers) and the record (User-Agent). */
  readonly headers: IncomingHttpHeaders;
  /**
   * Every value of a repeated header (request-headers.ts), for the original request and the
   * signature: a repeated header is refused, not half-read.
   */
  readonly exactHeaders: RequestHeaders;
}

export interface ForwardAuthAnswer {
  readonly status: number;
  /** Flat name/value list, as `writeHead` takes it. */
  readonly headers: string[];
  /** Empty when allowed. */
  readonly body: string;
  readonly record: RequestRecord;
  /** Set when the check failed for a reason the gateway is not told: the HTTP layer logs it. */
  readonly internalError?: unknown;
}

const MAX_RECORDED_PATH = 1024;

/**
 * `/forward-auth` (and `/forward-auth/…`): a gateway asks whether to let a request through. The
 * caller must be a trusted proxy (it is the peer; the client is who its forwarding headers name).
 * The original request is read by the gateway's convention (original-request.ts), goes through
 * the access gate like any RPC call (source, signature or key identification, network ACL for
 * its service), and is answered 200 with identity headers, or refused with Alibaba's error JSON.
 */
export class ForwardAuthEndpoint {
  readonly #deps: ForwardAuthDependencies;

  constructor(deps: ForwardAuthDependencies) {
    this.#deps = deps;
  }

  /**
   * Answers the check; in the same turn (no promise) when the key is in memory, as it is for
   * every key this node has heard of.
   */
  check(call: ForwardAuthCall): MaybePromise<ForwardAuthAnswer> {
    const { gate } = this.#deps;
    const caller = call.origin.address;
    if (caller === undefined || !gate.trustedProxies.contains(caller)) {
      return this.#refusal(call, this.#open(call, null), forwardAuthErrors.untrustedCaller(), undefined);
    }
    const asked = readAskedRequest(call.method, call.target, call.exactHeaders);
    if (!asked.ok) return this.#refusal(call, this.#open(call, null), asked.error, undefined);
    const passage = this.#open(call, asked.value);
    const denyStatus = denyStatusOf(call.exactHeaders[DENY_STATUS_HEADER]);
    if (denyStatus === null) {
      return this.#refusal(call, passage, forwardAuthErrors.invalidDenyStatus(), undefined);
    }
    let answer: MaybePromise<ForwardAuthAnswer>;
    try {
      answer = this.#check(call, passage, asked.value);
    } catch (thrown) {
      return this.#failed(call, passage, thrown, denyStatus);
    }
    return isPromise(answer)
      ? answer.catch((thrown) => this.#failed(call, passage, thrown, denyStatus))
      : answer;
  }

  #check(call: ForwardAuthCall, passage: Passage, asked: AskedRequest): MaybePromise<ForwardAuthAnswer> {
    const { gate, verifySignature } = this.#deps;
    const request: SignedRequest = {
      method: asked.method,
      path: asked.path,
      rawQuery: asked.rawQuery,
      headers: withHost(call.exactHeaders, asked.host),
      body: null,
    };
    const who = verifySignature ? gate.authenticate(passage, request) : gate.identify(passage, request);
    return isPromise(who)
      ? who.then((identified) => this.#enforce(call, passage, asked, identified))
      : this.#enforce(call, passage, asked, who);
  }

  #enforce(
    call: ForwardAuthCall,
    passage: Passage,
    asked: AskedRequest,
    who: Identified,
  ): MaybePromise<ForwardAuthAnswer> {
    const service = this.#deps.routes.serviceOf(passage.arrival.original?.host ?? undefined, who.version);
    const decision = this.#deps.gate.enforce(passage, who, {
      service,
      path: asked.path,
      usedAs: passage.progress.product ?? service ?? 'forward-auth',
    });
    return isPromise(decision)
      ? decision.then((allowed) => allowedAnswer(call, passage, who, allowed))
      : allowedAnswer(call, passage, who, decision);
  }

  #failed(
    call: ForwardAuthCall,
    passage: Passage,
    thrown: unknown,
    denyStatus: 401 | 403 | undefined,
  ): ForwardAuthAnswer {
    const { error, internal } = toApiError(thrown);
    return {
      ...this.#refusal(call, passage, error, denyStatus),
      ...(internal ? { internalError: thrown } : {}),
    };
  }

  #open(call: ForwardAuthCall, asked: AskedRequest | null): Passage {
    return this.#deps.gate.open({
      entryPoint: 'forward-auth',
      requestId: call.requestId,
      time: call.time,
      origin: call.origin,
      headers: call.headers,
      original: asked === null ? null : originalOf(asked),
    });
  }

  #refusal(
    call: ForwardAuthCall,
    passage: Passage,
    error: ApiError,
    denyStatus: 401 | 403 | undefined,
  ): ForwardAuthAnswer {
    const body = errorBody(
      call.requestId,
      this.#deps.hostId(call.headers.host),
      error,
      passage.progress.product,
    );
    return {
      ...refusalAnswer(error.httpStatus, body, call.requestId, denyStatus),
      record: recordOf(passage, error.httpStatus, error),
    };
  }
}

/** 200 with the identity headers: the gateway lets the request through. */
function allowedAnswer(
  call: ForwardAuthCall,
  passage: Passage,
  who: Identified,
  decision: Decision,
): ForwardAuthAnswer {
  const headers = identityHeaders(who.caller, decision, call.requestId);
  headers.push('content-length', '0');
  return {
    status: 200,
    headers,
    body: '',
    record: recordOf(passage, 200, null),
  };
}

function originalOf(asked: AskedRequest): OriginalRequest {
  return {
    method: asked.method,
    host: hostNameOf(asked.host) ?? null,
    path: asked.path.length > MAX_RECORDED_PATH ? asked.path.slice(0, MAX_RECORDED_PATH) : asked.path,
  };
}

/** The headers with `host` as the client sent it (Caddy names it in X-Forwarded-Host). */
function withHost(headers: RequestHeaders, host: string | undefined): RequestHeaders {
  const current = headers.host;
  if (current === host || (typeof current !== 'string' && current?.length === 1 && current[0] === host)) {
    return headers;
  }
  const { host: _, ...rest } = headers;
  return host === undefined ? rest : { ...rest, host: [host] };
}
