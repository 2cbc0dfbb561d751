import type { IncomingHttpHeaders } from 'node:http';
import { err, ok, type Result } from '../../common/result.js';
import { formatAddress, parseAddress } from '../../net/address.js';
import { isVpcId } from '../../policy/vpc-id.js';
import type { ConnectionOrigin } from './connection-origin.js';
import type { TrustedProxies } from './trusted-proxies.js';

/** Where a request comes from (docs/server.md), as the decision sees it. */
export interface RequestSource {
  readonly ip: string;
  readonly vpcId?: string | undefined;
  /**
   * Who told us `ip`: the TCP peer itself, the connection's PROXY header, or a trusted proxy's
   * forwarding header.
   */
  readonly via: 'peer' | 'proxy-protocol' | 'x-forwarded-for' | 'forwarded';
  /**
   * Who told us `vpcId` (set with it): the listener's `vpcEndpointOf`, the PROXY v2 AWS TLV, or a
   * trusted proxy's `X-Forwarded-Vpc-Id`.
   */
  readonly vpcVia?: 'listener' | 'proxy-protocol' | 'x-forwarded-vpc-id';
}

/** What resolving a request's source needs from its connection. */
export type SourceOrigin = Pick<ConnectionOrigin, 'address' | 'addressFrom' | 'vpc'>;

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
 * Resolves the source of a request: the connection's origin (the TCP peer, or the source its
 * PROXY header gave), unless that is a trusted proxy; then the forwarding header is walked right
 * to left and stops at the first hop that is not itself a trusted proxy (the semantics of
 * proxy-addr). A client's own headers are never believed. A hop that is not an address as the
 * decision reads one (`unknown`, an obfuscated name, `198.051.100.7`, garbage) ends the walk with a
 * fault, which the caller treats as an invalid source: denied wherever a policy applies. A hop that
 * is an address is kept in its canonical form, so what is shown is what was decided on. An
 * `X-Forwarded-For` with nothing in it names no hop, like an absent one (as an empty `Forwarded`
 * does): the peer is the source.
 *
 * The VPC comes from the connection when configuration attaches one to it (the listener's
 * `vpcEndpointOf`, a mapped PROXY v2 VPC endpoint): that is the operator's word and no header
 * overrides it. Otherwise a trusted proxy may name it in `X-Forwarded-Vpc-Id`.
 */
export function resolveSource(
  origin: SourceOrigin,
  headers: IncomingHttpHeaders,
  trusted: TrustedProxies,
): Result<RequestSource, SourceFault> {
  const peer = origin.address;
  if (peer === undefined || peer === '') {
    return err({ code: 'InvalidSource.Peer', message: 'the connection has no peer address' });
  }
  const peerVia = origin.addressFrom === 'proxy-protocol' ? 'proxy-protocol' : 'peer';
  if (!trusted.contains(peer)) return ok(withOriginVpc({ ip: peer, via: peerVia }, origin));

  // Only the configured header: the other one may be the client's own, passed through untouched.
  const via = trusted.forwardedHeader;
  const value = joined(headers[via]);
  let ip = peer;
  let resolvedVia: RequestSource['via'] = peerVia;
  if (value !== undefined && value.trim() !== '') {
    if (via === 'forwarded') {
      const hops = forwardedFor(value);
      for (let i = hops.length - 1; i >= 0; i--) {
        const address = hopAddressOf(hops[i]!);
        if (typeof address !== 'string') return address;
        ip = address;
        resolvedVia = via;
        if (!trusted.contains(address)) break;
      }
    } else {
      // Walked in place, right to left, without splitting the header into an array.
      let end = value.length;
      for (;;) {
        const comma = end === 0 ? -1 : value.lastIndexOf(',', end - 1);
        const address = hopAddressOf(value.slice(comma + 1, end));
        if (typeof address !== 'string') return address;
        ip = address;
        resolvedVia = via;
        if (comma < 0 || !trusted.contains(address)) break;
        end = comma;
      }
    }
  }

  if (origin.vpc !== undefined) return ok(withOriginVpc({ ip, via: resolvedVia }, origin));
  const vpc = joined(headers[VPC_HEADER]);
  if (vpc === undefined) return ok({ ip, via: resolvedVia });
  if (!isVpcId(vpc)) {
    return err({
      code: 'InvalidSource.VpcId',
      message: `a trusted proxy sent ${VPC_HEADER} ${JSON.stringify(vpc.slice(0, 64))}, which is not a VPC ID`,
    });
  }
  return ok({ ip, vpcId: vpc, via: resolvedVia, vpcVia: VPC_HEADER });
}

/** The address a forwarding header's hop names, canonical, or the fault of one that names none. */
function hopAddressOf(hop: string): string | Result<never, SourceFault> {
  const address = parseAddress(hopAddress(hop));
  if (address.ok) return formatAddress(address.value);
  return err({
    code: 'InvalidSource.ForwardedAddress',
    message: `a trusted proxy forwarded ${JSON.stringify(hop.slice(0, 64))}, which is not an address`,
  });
}

function withOriginVpc(source: RequestSource, origin: SourceOrigin): RequestSource {
  return origin.vpc === undefined ? source : { ...source, vpcId: origin.vpc.id, vpcVia: origin.vpc.from };
}
