import type { IncomingHttpHeaders } from 'node:http';
import type { SignedRequest } from '../../auth/signed-request.js';
import type { AccessGate } from '../gate/access-gate.js';
import { identityHeaders } from '../gate/identity-headers.js';
import { type Passage, recordOf } from '../gate/passage.js';
import { hostNameOf, type ServiceRoutes } from '../gate/service-routes.js';
import type { ApiError } from '../rpc/api-error.js';
import type { OriginalRequest, RequestRecord } from '../rpc/audit-sink.js';
import { errorBody } from '../rpc/error-body.js';
import { toApiError } from '../rpc/to-api-error.js';
import type { SourceOrigin } from '../source/resolve-source.js';
import { forwardAuthErrors } from './forward-auth-errors.js';
import { type AskedRequest, type DistinctHeaders, readAskedRequest } from './original-request.js';
import { DENY_STATUS_HEADER, denyStatusOf, refusalAnswer } from './refusal-answer.js';

export interface ForwardAuthDependencies {
  readonly gate: AccessGate;
  readonly routes: ServiceRoutes;
  /** `forwardAuth.verifySignature`: false trusts an upstream verifier and only identifies the key. */
  readonly verifySignature: boolean;
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
  /** Every value of every header, for the signature: a repeated header is refused, not half-read. */
  readonly distinctHeaders: DistinctHeaders;
  /** `HostId` of error bodies. */
  readonly hostId: string;
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
const ALLOWED_BASE = ['content-length', '0'];

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

  async check(call: ForwardAuthCall): Promise<ForwardAuthAnswer> {
    const { gate } = this.#deps;
    const caller = call.origin.address;
    if (caller === undefined || !gate.trustedProxies.contains(caller)) {
      return this.#refusal(call, this.#open(call, null), forwardAuthErrors.untrustedCaller(), undefined);
    }
    const asked = readAskedRequest(call.method, call.target, call.distinctHeaders);
    if (!asked.ok) return this.#refusal(call, this.#open(call, null), asked.error, undefined);
    const passage = this.#open(call, asked.value);
    const denyStatus = denyStatusOf(call.distinctHeaders[DENY_STATUS_HEADER]);
    if (denyStatus === null) {
      return this.#refusal(call, passage, forwardAuthErrors.invalidDenyStatus(), undefined);
    }
    try {
      return await this.#check(call, passage, asked.value);
    } catch (thrown) {
      const { error, internal } = toApiError(thrown);
      return {
        ...this.#refusal(call, passage, error, denyStatus),
        ...(internal ? { internalError: thrown } : {}),
      };
    }
  }

  async #check(call: ForwardAuthCall, passage: Passage, asked: AskedRequest): Promise<ForwardAuthAnswer> {
    const { gate, routes, verifySignature } = this.#deps;
    const request: SignedRequest = {
      method: asked.method,
      path: asked.path,
      rawQuery: asked.rawQuery,
      headers: withHost(call.distinctHeaders, asked.host),
      body: null,
    };
    const who = verifySignature
      ? await gate.authenticate(passage, request)
      : await gate.identify(passage, request);
    const service = routes.serviceOf(passage.arrival.original?.host ?? undefined, who.version);
    const decision = await gate.enforce(passage, who, {
      service,
      path: asked.path,
      usedAs: passage.progress.product ?? service ?? 'forward-auth',
    });
    return {
      status: 200,
      headers: [...ALLOWED_BASE, ...identityHeaders(who.caller, decision, call.requestId)],
      body: '',
      record: recordOf(passage, 200, null),
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
    const body = errorBody(call.requestId, call.hostId, error, passage.progress.product);
    return {
      ...refusalAnswer(error.httpStatus, body, call.requestId, denyStatus),
      record: recordOf(passage, error.httpStatus, error),
    };
  }
}

function originalOf(asked: AskedRequest): OriginalRequest {
  return {
    method: asked.method,
    host: hostNameOf(asked.host) ?? null,
    path: asked.path.length > MAX_RECORDED_PATH ? asked.path.slice(0, MAX_RECORDED_PATH) : asked.path,
  };
}

/** The headers with `host` as the client sent it (Caddy names it in X-Forwarded-Host). */
function withHost(headers: DistinctHeaders, host: string | undefined): DistinctHeaders {
  const current = headers.host;
  if (current?.length === 1 && current[0] === host) return headers;
  const { host: _, ...rest } = headers;
  return host === undefined ? rest : { ...rest, host: [host] };
}
