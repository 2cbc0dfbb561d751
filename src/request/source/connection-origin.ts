import type { Socket } from 'node:net';
import type { ProxyHeader } from './proxy-protocol/proxy-header.js';

/**
 * Where one connection comes from, as far as the connection itself says, before any
 * forwarding header is looked at: the address the request-level checks start from, and the VPC
 * the operator's configuration attaches to it. Learnt once per connection; every request on it
 * shares it.
 */
/** What an origin needs of the listener that accepted the connection (a configured listener is one). */
export interface OriginListener {
  /** Every request on this listener is a VPC request from this VPC ID. */
  readonly vpcEndpointOf: string | undefined;
}

export interface ConnectionOrigin<L extends OriginListener = OriginListener> {
  /**
   * The TCP peer, or the source address of the connection's PROXY header. Undefined only when the
   * socket was gone before its address was read.
   */
  readonly address: string | undefined;
  readonly addressFrom: 'tcp-peer' | 'proxy-protocol';
  /** The VPC every request on this connection comes from, when configuration says one. */
  readonly vpc: OriginVpc | undefined;
  /** The VPC endpoint ID a PROXY v2 AWS TLV carried, mapped to a VPC or not (for logs and audit). */
  readonly vpcEndpointId: string | undefined;
  /** The listener that accepted the connection. */
  readonly listener: L;
}

export interface OriginVpc {
  readonly id: string;
  /** The listener's `vpcEndpointOf`, or `vpcEndpoints` applied to the PROXY v2 AWS TLV. */
  readonly from: 'listener' | 'proxy-protocol';
}

/** The origin of a connection taken as it is: its TCP peer, and the listener's VPC if it declares one. */
export function tcpOrigin<L extends OriginListener>(socket: Socket, listener: L): ConnectionOrigin<L> {
  return {
    address: socket.remoteAddress,
    addressFrom: 'tcp-peer',
    vpc: listenerVpc(listener),
    vpcEndpointId: undefined,
    listener,
  };
}

function listenerVpc(listener: OriginListener): OriginVpc | undefined {
  return listener.vpcEndpointOf === undefined ? undefined : { id: listener.vpcEndpointOf, from: 'listener' };
}

/**
 * The origin of a connection that began with a PROXY header: the client the header names (or the
 * TCP peer when it names none, as for a load balancer's health check); the listener's VPC, else
 * the VPC that `vpcEndpoints` maps the header's AWS VPC endpoint ID to. An endpoint ID the map
 * does not know gives no VPC.
 */
export function proxiedOrigin<L extends OriginListener>(
  socket: Socket,
  listener: L,
  header: ProxyHeader,
  vpcEndpoints: ReadonlyMap<string, string>,
): ConnectionOrigin<L> {
  const endpointVpc = header.vpcEndpointId === undefined ? undefined : vpcEndpoints.get(header.vpcEndpointId);
  return {
    ...(header.source === undefined
      ? { address: socket.remoteAddress, addressFrom: 'tcp-peer' }
      : { address: header.source.address, addressFrom: 'proxy-protocol' }),
    vpc:
      listenerVpc(listener) ??
      (endpointVpc === undefined ? undefined : { id: endpointVpc, from: 'proxy-protocol' }),
    vpcEndpointId: header.vpcEndpointId,
    listener,
  };
}
