import { ApiError } from './api-error.js';

/**
 * The errors the endpoint itself answers with (the handlers' own are theirs). Codes are
 * Alibaba's where its gateway has one for the case, otherwise KeyFence's in the same style;
 * docs/server.md lists them all.
 */
export const serverErrors = {
  /** Any path but `/`, `/healthz` and `/readyz`: Alibaba's gateway code for an unknown API URL. */
  pathNotFound: () =>
    new ApiError('InvalidApi.NotFound', 404, 'Specified api is not found, please check your url and method.'),
  methodNotAllowed: (allowed: string) =>
    new ApiError('UnsupportedHTTPMethod', 405, `The HTTP method is not supported here; use ${allowed}.`),
  bodyTooLarge: (limit: number) =>
    new ApiError('RequestEntityTooLarge', 413, `The request body is larger than ${limit} bytes.`),
  unsupportedMediaType: () =>
    new ApiError(
      'UnsupportedMediaType',
      415,
      'A request body must be application/x-www-form-urlencoded; send parameters in the query or a form.',
    ),
  /** KeyFence's `ExpectedPolicyVersion` named a version the scope's policy has moved on from. */
  policyVersionConflict: (expected: number, current: number) =>
    new ApiError(
      'PolicyVersionConflict',
      409,
      `The policy was changed since PolicyVersion ${expected}: its current PolicyVersion is ${current}, ` +
        `so it was not set. Get it again, reapply your change and retry with ExpectedPolicyVersion=${current}.`,
      { CurrentPolicyVersion: current },
    ),
  malformedRequest: () =>
    new ApiError('InvalidRequest.Malformed', 400, 'The HTTP request is not well formed.'),
  headersTooLarge: () =>
    new ApiError(
      'RequestHeaderFieldsTooLarge',
      431,
      'The request headers are larger than the server accepts.',
    ),
  requestTimeout: () =>
    new ApiError('RequestTimeout', 408, 'The request was not received in full within the time allowed.'),
  invalidVersion: () => new ApiError('InvalidVersion', 404, 'Specified parameter Version is not valid.'),
  actionNotFound: () =>
    new ApiError(
      'InvalidAction.NotFound',
      404,
      'Specified api is not found, please check your url and method.',
    ),
  internalError: () =>
    new ApiError(
      'InternalError',
      500,
      'The request processing has failed due to some unknown error, exception or failure.',
    ),
  /** A request on a `gateway` listener while KeyFence has no gateway to route it. */
  gatewayNotConfigured: () =>
    new ApiError('Gateway.NotConfigured', 501, 'This listener is a gateway, and no gateway is configured.'),
  serviceUnavailable: () =>
    new ApiError(
      'ServiceUnavailable',
      503,
      'The request has failed due to a temporary failure of the server.',
    ),
  /**
   * Under `audit.durability: strict`: the request's audit event could not be kept (the audit
   * queue or spool is full, or the spool cannot be written), and nothing is answered without it.
   */
  auditUnavailable: () =>
    new ApiError(
      'ServiceUnavailable',
      503,
      'KeyFence could not keep the audit event of this request, which strict audit durability requires; retry later.',
    ),
  /**
   * The database failed or cannot be reached (docs/fail-static.md): Alibaba's code, so clients
   * retry as they would any 503, and a message saying what to expect.
   */
  storeUnavailable: () =>
    new ApiError(
      'ServiceUnavailable',
      503,
      'The KeyFence store is unreachable, so this request could not be completed and nothing was changed; retry later.',
    ),
} as const;
