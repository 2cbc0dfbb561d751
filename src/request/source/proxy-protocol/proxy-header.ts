/**
 * A PROXY protocol header (HAProxy's PROXY protocol, versions 1 and 2), as read from the first
 * bytes of a connection that a load balancer opened on behalf of a client.
 */
export interface ProxyHeader {
  readonly version: 1 | 2;
  /**
   * `proxy`: the connection was relayed for the client named in `source`. `local`: the proxy
   * opened it for itself (a health check); the connection's own endpoints stand.
   */
  readonly command: 'proxy' | 'local';
  /**
   * The client as the proxy saw it. Undefined when the header carries no IP endpoint (LOCAL, v1
   * `UNKNOWN`, v2 `AF_UNSPEC` or `AF_UNIX`): the connection's own peer then stands.
   */
  readonly source: ProxyEndpoint | undefined;
  readonly destination: ProxyEndpoint | undefined;
  /** v2's TLVs in order, each checked against its bounds (none in v1 or a LOCAL header). */
  readonly tlvs: readonly ProxyTlv[];
  /** The VPC endpoint ID of the AWS TLV (type 0xEA, subtype 0x01), when there is one. */
  readonly vpcEndpointId: string | undefined;
}

export interface ProxyEndpoint {
  /** Canonical text (an IPv4-mapped IPv6 address is written as the IPv4 address it is). */
  readonly address: string;
  readonly port: number;
}

export interface ProxyTlv {
  readonly type: number;
  readonly value: Buffer;
}

/** Which header a listener expects: `any` tells v1 from v2 by the first byte. */
export type ProxyProtocolMode = 'v1' | 'v2' | 'any';

export type ProxyFaultCode =
  /** The connection's peer is not a trusted proxy: its header is not read. */
  | 'ProxyProtocol.UntrustedPeer'
  /** The first bytes are not the start of a header of the version the listener expects. */
  | 'ProxyProtocol.NotAHeader'
  /** A v1 line or v2 block that breaks the grammar (fields, addresses, ports, lengths). */
  | 'ProxyProtocol.Malformed'
  /** Longer than the protocol (v1: 107 bytes) or KeyFence (v2: 4096 bytes) allows. */
  | 'ProxyProtocol.TooLong'
  /** A v2 version, command, family or transport KeyFence does not take. */
  | 'ProxyProtocol.Unsupported'
  /** A TLV that runs past the header, or a known TLV whose value is not what its type says. */
  | 'ProxyProtocol.InvalidTlv'
  /** The CRC32C TLV does not match the header. */
  | 'ProxyProtocol.ChecksumMismatch'
  /** The header did not arrive in full in time. */
  | 'ProxyProtocol.Timeout'
  /** The client closed (or the socket failed) before the header was complete. */
  | 'ProxyProtocol.Closed';

export interface ProxyFault {
  readonly code: ProxyFaultCode;
  readonly message: string;
}

/** One step of reading a header from the bytes received so far. */
export type ParseStep =
  | { readonly kind: 'incomplete' }
  /** `length`: how many bytes the header took; what follows belongs to the application protocol. */
  | { readonly kind: 'header'; readonly header: ProxyHeader; readonly length: number }
  | { readonly kind: 'fault'; readonly fault: ProxyFault };

export const INCOMPLETE: ParseStep = Object.freeze({ kind: 'incomplete' });

export const fault = (code: ProxyFaultCode, message: string): ParseStep => ({
  kind: 'fault',
  fault: { code, message },
});

/**
 * What an AWS TLV's VPC endpoint ID (and a `vpcEndpoints` key) may look like: AWS's
 * `vpce-0a1b2c3d4e5f`, other clouds' `ep-…`; printable, no spaces, bounded.
 */
const VPC_ENDPOINT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function isVpcEndpointId(text: string): boolean {
  return VPC_ENDPOINT_ID.test(text);
}
