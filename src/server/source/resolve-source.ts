import type { IncomingHttpHeaders } from 'node:http';
import { err, ok, type Result } from '../../common/result.js';
import { isVpcId } from '../../policy/vpc-id.js';
import type { TrustedProxies } from './trusted-proxies.js';

/** Where a request comes from (DESIGN §4), as the decision sees it. */
export interface RequestSource {
  readonly ip: string;
  readonly vpcId?: string | undefined;
  /** Which hop told us: the TCP peer itself, or a trusted proxy's forwarding header. */
  readonly via: 'peer' | 'x-forwarded-for' | 'forwarded';
}

export interface SourceFault {
  readonly code: 'InvalidSource.ForwardedAddress' | 'InvalidSource.VpcId' | 'InvalidSource.Peer';
  readonly message: string;
}

const VPC_HEADER = 'x-forwarded-vpc-id';

function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/** The address of one hop: `[v6]:port` and `v4:port` lose the port; anything else stays as it is. */
export function hopAddress(hop: string): string {
  const text = hop.trim();
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return text;
    const rest = text.slice(close + 1);
    return rest === '' || /^:\d{1,5}$/.test(rest) ? text.slice(1, close) : text;
  }
  const colon = text.indexOf(':');
  if (
    colon > 0 &&
    colon === text.lastIndexOf(':') &&
    text.indexOf('.') >= 0 &&
    /^\d{1,5}$/.test(text.slice(colon + 1))
  ) {
    return text.slice(0, colon);
  }
  return text;
}

/** The `for=` values of an RFC 7239 `Forwarded` header, in order. */
function forwardedFor(header: string): string[] {
  const hops: string[] = [];
  for (const element of header.split(',')) {
    for (const pair of element.split(';')) {
      const eq = pair.indexOf('=');
      if (eq < 0 || pair.slice(0, eq).trim().toLowerCase() !== 'for') continue;
      let value = pair.slice(eq + 1).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      hops.push(value);
    }
  }
  return hops;
}

/**
 * Resolves the source of a request: the TCP peer, unless the peer is a trusted proxy; then the
 * forwarding header is walked right to left and stops at the first hop that is not itself a
 * trusted proxy (the semantics of proxy-addr). A client's own headers are never believed. A
 * hop that is not an address (`unknown`, an obfuscated name, garbage) ends the walk with a
 * fault, which the caller treats as an invalid source: denied wherever a policy applies.
 */
export function resolveSource(
  peer: string | undefined,
  headers: IncomingHttpHeaders,
  trusted: TrustedProxies,
): Result<RequestSource, SourceFault> {
  if (peer === undefined || peer === '') {
    return err({ code: 'InvalidSource.Peer', message: 'the connection has no peer address' });
  }
  if (!trusted.contains(peer)) return ok({ ip: peer, via: 'peer' });

  const forwarded = joined(headers.forwarded);
  const xff = joined(headers['x-forwarded-for']);
  const via = forwarded !== undefined ? 'forwarded' : 'x-forwarded-for';
  const hops = forwarded !== undefined ? forwardedFor(forwarded) : xff !== undefined ? xff.split(',') : [];
  let ip = peer;
  let resolvedVia: RequestSource['via'] = 'peer';
  for (let i = hops.length - 1; i >= 0; i--) {
    const address = hopAddress(hops[i]!);
    if (address === '' || !/^[0-9A-Fa-f.:]+$/.test(address)) {
      return err({
        code: 'InvalidSource.ForwardedAddress',
        message: `a trusted proxy forwarded ${JSON.stringify(hops[i]!.slice(0, 64))}, which is not an address`,
      });
    }
    ip = address;
    resolvedVia = via;
    if (!trusted.contains(address)) break;
  }

  const vpc = joined(headers[VPC_HEADER]);
  if (vpc === undefined) return ok({ ip, via: resolvedVia });
  if (!isVpcId(vpc)) {
    return err({
      code: 'InvalidSource.VpcId',
      message: `a trusted proxy sent ${VPC_HEADER} ${JSON.stringify(vpc.slice(0, 64))}, which is not a VPC ID`,
    });
  }
  return ok({ ip, vpcId: vpc, via: resolvedVia });
}
