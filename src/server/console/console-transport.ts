import type { IncomingHttpHeaders } from 'node:http';
import type { ConnectionOrigin } from '../../request/source/connection-origin.js';
import type { TrustedProxies } from '../../request/source/trusted-proxies.js';

/** What the console needs to know of a connection's listener. */
export interface TransportListener {
  readonly tls?: unknown;
  readonly vpcEndpointOf: string | undefined;
}

/**
 * Whether the browser reached the console over TLS: the listener's own, or a trusted proxy's in
 * front of it that says so (`X-Forwarded-Proto: https`). Anyone else's header means nothing.
 */
export function cameOverTls(
  origin: ConnectionOrigin<TransportListener>,
  headers: IncomingHttpHeaders,
  trusted: TrustedProxies,
): boolean {
  if (origin.listener.tls !== undefined) return true;
  const peer = origin.address;
  if (peer === undefined || !trusted.contains(peer)) return false;
  const proto = headers['x-forwarded-proto'];
  // The first value is the client-facing hop's, as proxies append theirs.
  const first = (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}

/**
 * CSRF's third layer: a write must come from the console's own page. `Origin` must be exactly
 * this request's own `scheme://host`, or the browser must say `Sec-Fetch-Site: same-origin`.
 */
export function sameOrigin(headers: IncomingHttpHeaders, secure: boolean): boolean {
  if (headers['sec-fetch-site'] === 'same-origin') return true;
  const origin = headers.origin;
  const host = headers.host;
  if (origin === undefined || host === undefined) return false;
  return origin === `${secure ? 'https' : 'http'}://${host}`;
}
