import { ApiError } from './api-error.js';

/** The gateway's own answers besides the gate's refusals (docs/gateway.md lists them). */
export const gatewayErrors = {
  /** No route matches the request's Host and signed Version. */
  noRoute: () =>
    new ApiError('InvalidApi.NotFound', 404, 'Specified api is not found, please check your url and method.'),
  /** The upstream refused the connection, reset it, or broke off before a complete answer head. */
  upstreamUnreachable: () =>
    new ApiError(
      'ServiceUnavailable.UpstreamUnreachable',
      502,
      'The service behind the gateway could not be reached; try again later.',
    ),
  /** The upstream stayed silent for `gateway.upstreamTimeoutMs`. */
  upstreamTimeout: () =>
    new ApiError(
      'ServiceUnavailable.UpstreamTimeout',
      504,
      'The service behind the gateway did not answer in time; try again later.',
    ),
  /** The client went away before the answer: recorded, never sent (nginx's 499). */
  clientClosed: () =>
    new ApiError('ClientClosedRequest', 499, 'The client closed the connection before the answer.'),
} as const;
