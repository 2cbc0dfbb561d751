import type { RequestHeaders } from '../../auth/signed-request.js';
import { err, ok, type Result } from '../../common/result.js';
import { type ApiError, forwardAuthErrors } from '../errors/api-error.js';

/** `/forward-auth` itself; anything under `/forward-auth/` is Envoy's path_prefix form. */
export const FORWARD_AUTH_PATH = '/forward-auth';

const FORWARD_AUTH_PREFIX = `${FORWARD_AUTH_PATH}/`;

/** Whether a request target (path and query) is `/forward-auth` or under `/forward-auth/`. */
export function isForwardAuthTarget(target: string): boolean {
  if (!target.startsWith(FORWARD_AUTH_PATH)) return false;
  const next = target.charCodeAt(FORWARD_AUTH_PATH.length);
  // The end, `?` or `/`; `/forward-authz` is another path.
  return Number.isNaN(next) || next === 0x3f || next === 0x2f;
}

/** How the gateway conveyed the original request. */
export type Convention =
  /** nginx `auth_request`: X-Original-Method, X-Original-URI, the original Host. */
  | 'original-headers'
  /** Caddy `forward_auth` (and Traefik): X-Forwarded-Method, X-Forwarded-Uri, X-Forwarded-Host. */
  | 'forwarded-headers'
  /** Envoy `ext_authz` HTTP service: the original method, `/forward-auth` + the original path. */
  | 'path-prefix';

/** The request a gateway asks about. */
export interface AskedRequest {
  readonly convention: Convention;
  readonly method: string;
  /** The raw path, undecoded, as the client sent it. */
  readonly path: string;
  /** The raw query without `?`; empty when there is none. */
  readonly rawQuery: string;
  /** The Host the client addressed, as it sent it (with its port: ACS3 signs it so). */
  readonly host: string | undefined;
}

const methodShape = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}$/;
// Origin-form (RFC 9112 §3.2.1), visible ASCII only: what a client puts on its request line.
const targetShape = /^\/[\x21-\x7e]*$/;

/**
 * Reads the original request from a forward-auth request, by the convention its target and
 * headers show. Under `/forward-auth` exactly, the headers name it: nginx's X-Original-* or
 * Caddy's X-Forwarded-Method/-Uri, never both (a gateway sends one set, so a second set came
 * from its client). Under `/forward-auth/…` the target itself carries it (Envoy), and those
 * headers are ignored, so a client cannot steer the check with them there either. Only called
 * for a trusted proxy's request.
 */
export function readAskedRequest(
  method: string,
  target: string,
  headers: RequestHeaders,
): Result<AskedRequest, ApiError> {
  if (target.startsWith(FORWARD_AUTH_PREFIX)) {
    const host = single(headers, 'host');
    if (!host.ok) return host;
    return splitTarget(
      'path-prefix',
      method,
      target.slice(FORWARD_AUTH_PATH.length),
      host.value,
      `The path after ${FORWARD_AUTH_PATH}`,
    );
  }

  const originalUri = single(headers, 'x-original-uri');
  if (!originalUri.ok) return originalUri;
  const forwardedUri = single(headers, 'x-forwarded-uri');
  if (!forwardedUri.ok) return forwardedUri;
  if (originalUri.value !== undefined && forwardedUri.value !== undefined) {
    return err(forwardAuthErrors.ambiguousOriginalRequest());
  }
  const convention: Convention = originalUri.value !== undefined ? 'original-headers' : 'forwarded-headers';
  const uri = originalUri.value ?? forwardedUri.value;
  if (uri === undefined) return err(forwardAuthErrors.missingOriginalRequest());

  const methodHeader = convention === 'original-headers' ? 'x-original-method' : 'x-forwarded-method';
  const originalMethod = single(headers, methodHeader);
  if (!originalMethod.ok) return originalMethod;
  if (originalMethod.value === undefined) {
    return err(forwardAuthErrors.invalidOriginalRequest(headerNamed(methodHeader), 'is missing'));
  }
  // nginx passes the Host itself (proxy_set_header Host $http_host); Caddy names it apart.
  let host = single(headers, 'host');
  if (convention === 'forwarded-headers') {
    const forwardedHost = single(headers, 'x-forwarded-host');
    if (!forwardedHost.ok) return forwardedHost;
    if (forwardedHost.value !== undefined) host = forwardedHost;
  }
  if (!host.ok) return host;
  return splitTarget(convention, originalMethod.value, uri, host.value, URI_HEADER_NAMED[convention]);
}

function splitTarget(
  convention: Convention,
  method: string,
  target: string,
  host: string | undefined,
  from: string,
): Result<AskedRequest, ApiError> {
  if (!methodShape.test(method)) {
    return err(forwardAuthErrors.invalidOriginalRequest('The original method', 'is not an HTTP method'));
  }
  if (!targetShape.test(target)) {
    return err(
      forwardAuthErrors.invalidOriginalRequest(from, 'must be a path starting with / in visible ASCII'),
    );
  }
  const q = target.indexOf('?');
  return ok({
    convention,
    method,
    path: q < 0 ? target : target.slice(0, q),
    rawQuery: q < 0 ? '' : target.slice(q + 1),
    host: host === '' ? undefined : host,
  });
}

function single(headers: RequestHeaders, name: string): Result<string | undefined, ApiError> {
  const values = headers[name];
  if (values === undefined || typeof values === 'string') return ok(values);
  if (values.length > 1) {
    return err(forwardAuthErrors.invalidOriginalRequest(headerNamed(name), 'is given more than once'));
  }
  return ok(values[0]);
}

/** `The X-Original-Method header`, in the spelling the gateways' documentation uses. */
function headerNamed(name: string): string {
  return `The ${name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase())} header`;
}

// Named once: every check passes them on, and only a refusal reads them.
const URI_HEADER_NAMED = {
  'original-headers': headerNamed('X-Original-URI'),
  'forwarded-headers': headerNamed('X-Forwarded-Uri'),
} as const;
