import { isIdentityHeader } from '../access/identity-headers.js';
import { hopByHopNames } from './hop-by-hop.js';

/** What the upstream is told about the request beyond its own headers. */
export interface Forwarding {
  /** The TCP peer, as logs show it (an IPv4-mapped peer as IPv4). */
  readonly peer: string;
  /** Whether the peer is a trusted proxy: then its forwarding headers go on, extended. */
  readonly peerTrusted: boolean;
  /** The VPC the decision saw the request come from. */
  readonly vpcId: string | undefined;
  /** KeyFence's identity headers (flat name/value list). */
  readonly identity: readonly string[];
}

/** What a client may say about earlier hops; believed (and passed on) only from a trusted proxy. */
const FORWARDING: ReadonlySet<string> = new Set([
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
]);
const VPC_HEADER = 'x-forwarded-vpc-id';

/**
 * The headers an upstream receives (flat name/value list, duplicates and spelling kept): the
 * request's own minus hop-by-hop fields, minus every `X-KeyFence-*` (only KeyFence says who
 * called), minus forwarding headers unless a trusted proxy sent them; then KeyFence's identity
 * headers, `X-Forwarded-For` extended with the peer (or, from anyone else, just the peer), and
 * `X-Forwarded-Vpc-Id` stating the VPC the decision saw, if any.
 */
export function upstreamRequestHeaders(rawHeaders: readonly string[], forwarding: Forwarding): string[] {
  const hopByHop = hopByHopNames(rawHeaders);
  const headers: string[] = [];
  let forwardedFor: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const lower = name.toLowerCase();
    if (hopByHop.has(lower) || isIdentityHeader(lower) || lower === VPC_HEADER) continue;
    if (FORWARDING.has(lower)) {
      if (!forwarding.peerTrusted) continue;
      if (lower === 'x-forwarded-for') {
        const value = rawHeaders[i + 1]!;
        forwardedFor = forwardedFor === undefined ? value : `${forwardedFor}, ${value}`;
        continue;
      }
    }
    headers.push(name, rawHeaders[i + 1]!);
  }
  headers.push(...forwarding.identity);
  headers.push(
    'x-forwarded-for',
    forwardedFor === undefined ? forwarding.peer : `${forwardedFor}, ${forwarding.peer}`,
  );
  if (forwarding.vpcId !== undefined) headers.push(VPC_HEADER, forwarding.vpcId);
  return headers;
}

/** The headers a client receives from an upstream's answer: all but its hop-by-hop fields. */
export function downstreamResponseHeaders(rawHeaders: readonly string[]): string[] {
  const hopByHop = hopByHopNames(rawHeaders);
  const headers: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (!hopByHop.has(rawHeaders[i]!.toLowerCase())) headers.push(rawHeaders[i]!, rawHeaders[i + 1]!);
  }
  return headers;
}
