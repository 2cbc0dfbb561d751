import { ApiError } from './api-error.js';

/** The refusals of the forward-auth protocol itself (docs/forward-auth.md lists them). */
export const forwardAuthErrors = {
  /** The caller is not a `--trusted-proxy`: its headers about the original request mean nothing. */
  untrustedCaller: () =>
    new ApiError(
      'ForwardAuth.UntrustedCaller',
      403,
      'Only a trusted proxy may ask /forward-auth: add the gateway’s address to --trusted-proxy.',
    ),
  missingOriginalRequest: () =>
    new ApiError(
      'ForwardAuth.MissingOriginalRequest',
      400,
      'Name the request to check: X-Original-Method and X-Original-URI (nginx auth_request), ' +
        'X-Forwarded-Method and X-Forwarded-Uri (Caddy forward_auth), or the original path after ' +
        '/forward-auth (Envoy ext_authz path_prefix).',
    ),
  ambiguousOriginalRequest: () =>
    new ApiError(
      'ForwardAuth.AmbiguousOriginalRequest',
      400,
      'Both X-Original-URI and X-Forwarded-Uri were sent: a gateway sends one of them, so the other ' +
        'came from its client. Have the gateway remove the one it does not set.',
    ),
  /** `what` names the part, e.g. `The X-Original-URI header`. */
  invalidOriginalRequest: (what: string, why: string) =>
    new ApiError('ForwardAuth.InvalidOriginalRequest', 400, `${what} ${why}.`),
  invalidDenyStatus: () =>
    new ApiError(
      'ForwardAuth.InvalidDenyStatus',
      400,
      'X-KeyFence-Deny-Status must be 401 or 403 (the statuses nginx auth_request passes on).',
    ),
} as const;
