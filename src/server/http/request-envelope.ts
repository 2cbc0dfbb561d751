import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { SourceOrigin } from '../../request/source/resolve-source.js';
import { hostIdOf } from './host-id.js';
import { newRequestId } from './request-id.js';

/**
 * What is known of a request on arrival, before its body is read: its ID, when it came, where it
 * came from (TCP peer or PROXY header, listener VPC) and how it is addressed. Every answer the
 * front gives, an API call's or an error's, is built on it.
 */
export interface RequestEnvelope {
  readonly requestId: string;
  readonly time: Date;
  readonly origin: SourceOrigin;
  readonly headers: IncomingHttpHeaders;
  /** `HostId` of its error bodies. */
  readonly hostId: string;
}

/** The envelope of `req`; `hostId` is the configured one, else the Host header's host name is used. */
export function envelopeOf(
  req: IncomingMessage,
  origin: SourceOrigin,
  time: Date,
  hostId: string | undefined,
): RequestEnvelope {
  return {
    requestId: newRequestId(),
    time,
    origin,
    headers: req.headers,
    hostId: hostIdOf(req.headers.host, hostId),
  };
}
