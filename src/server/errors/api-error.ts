import { type AuthError, authErrorCatalogue } from '../../auth/auth-error.js';
import { KeyFenceError } from '../../common/keyfence-error.js';
import type { EntryDescriptionsProblem } from '../../policy/parse-entry-descriptions.js';
import type { StoreError } from '../../store/index.js';
import {
  serverErrorCatalogue as catalogue,
  type ServerErrorCode,
  storeErrorAnswer,
} from './error-catalogue.js';

/** Fields an error adds to its JSON body (e.g. `AccessDeniedDetail`). */
export type ErrorDetail = Readonly<Record<string, unknown>>;

// Held by this module alone: the factories below are the only way to an ApiError, so every code,
// status and message the API answers is one of the catalogue's.
const issuer: unique symbol = Symbol('ApiError');

/**
 * An error the Alibaba-compatible API answers with: `code` is Alibaba's (or KeyFence's own,
 * in Alibaba's style), `httpStatus` the status the official SDKs expect for it. `detail` adds
 * fields to the JSON body (e.g. `AccessDeniedDetail`). Built by the factories of this module.
 */
export class ApiError extends KeyFenceError {
  readonly httpStatus: number;
  readonly detail: ErrorDetail | undefined;

  constructor(token: typeof issuer, code: string, httpStatus: number, message: string, detail?: ErrorDetail) {
    if (token !== issuer) throw new TypeError('An ApiError is built by the factories of api-error.ts.');
    super(code, message);
    this.httpStatus = httpStatus;
    this.detail = detail;
  }
}

type FixedCode = {
  [C in ServerErrorCode]: (typeof catalogue)[C]['message'] extends string ? C : never;
}[ServerErrorCode];

/** `code` is the entry's own, except in a family (entry `MissingParameter.<Name>`, code `MissingParameter.Action`). */
function answer(
  entry: ServerErrorCode,
  message: string,
  detail?: ErrorDetail,
  code: string = entry,
): ApiError {
  return new ApiError(issuer, code, catalogue[entry].httpStatus, message, detail);
}

const fixed = (code: FixedCode, detail?: ErrorDetail): ApiError =>
  answer(code, catalogue[code].message, detail);

/** The errors the HTTP front and the RPC endpoint answer with themselves. */
export const serverErrors = {
  /** Any path but `/`, `/healthz` and `/readyz`: Alibaba's gateway code for an unknown API URL. */
  pathNotFound: () => fixed('InvalidApi.NotFound'),
  methodNotAllowed: (allowed: string) =>
    answer('UnsupportedHTTPMethod', catalogue.UnsupportedHTTPMethod.message(allowed)),
  bodyTooLarge: (limit: number) =>
    answer('RequestEntityTooLarge', catalogue.RequestEntityTooLarge.message(limit)),
  unsupportedMediaType: () => fixed('UnsupportedMediaType'),
  /** KeyFence's `ExpectedPolicyVersion` named a version the scope's policy has moved on from. */
  policyVersionConflict: (expected: number, current: number) =>
    answer('PolicyVersionConflict', catalogue.PolicyVersionConflict.message(expected, current), {
      CurrentPolicyVersion: current,
    }),
  malformedRequest: () => fixed('InvalidRequest.Malformed'),
  headersTooLarge: () => fixed('RequestHeaderFieldsTooLarge'),
  requestTimeout: () => fixed('RequestTimeout'),
  invalidVersion: () => fixed('InvalidVersion'),
  actionNotFound: () => fixed('InvalidAction.NotFound'),
  internalError: () => fixed('InternalError'),
  /** A request on a `gateway` listener while KeyFence has no gateway to route it. */
  gatewayNotConfigured: () => fixed('Gateway.NotConfigured'),
  serviceUnavailable: () => answer('ServiceUnavailable', catalogue.ServiceUnavailable.message.starting),
  /** Under `audit.durability: strict`: the request's audit event could not be kept. */
  auditUnavailable: () => answer('ServiceUnavailable', catalogue.ServiceUnavailable.message.audit),
  /** The database failed or cannot be reached. */
  storeUnavailable: () => answer('ServiceUnavailable', catalogue.ServiceUnavailable.message.store),
} as const;

/** The web console's own answers (its actions answer as the RPC API's do). */
export const consoleErrors = {
  sessionRequired: () => fixed('ConsoleSessionRequired'),
  sessionExpired: () => fixed('ConsoleSessionExpired'),
  signinFailed: () => fixed('ConsoleSigninFailed'),
  signinThrottled: (seconds: number) =>
    answer('ConsoleSigninThrottled', catalogue.ConsoleSigninThrottled.message(seconds), {
      RetryAfterSeconds: seconds,
    }),
  logonMaskDenied: (ip: string) =>
    answer('ConsoleLogonMaskDenied', catalogue.ConsoleLogonMaskDenied.message(ip)),
  setupTokenInvalid: () => fixed('ConsoleSetupTokenInvalid'),
  passwordTooShort: () => fixed('ConsolePasswordTooShort'),
  csrfRejected: () => fixed('ConsoleCsrfRejected'),
  originRejected: () => fixed('ConsoleOriginRejected'),
  unsupportedMediaType: () => fixed('ConsoleUnsupportedMediaType'),
  passwordResetRequired: () => fixed('ConsolePasswordResetRequired'),
  lockoutPrevented: (ip: string) =>
    answer('ConsoleLockoutPrevented', catalogue.ConsoleLockoutPrevented.message(ip)),
} as const;

/** The refusals of the forward-auth protocol itself. */
export const forwardAuthErrors = {
  /** The caller is not a `--trusted-proxy`: its headers about the original request mean nothing. */
  untrustedCaller: () => fixed('ForwardAuth.UntrustedCaller'),
  missingOriginalRequest: () => fixed('ForwardAuth.MissingOriginalRequest'),
  ambiguousOriginalRequest: () => fixed('ForwardAuth.AmbiguousOriginalRequest'),
  /** `what` names the part, e.g. `The X-Original-URI header`. */
  invalidOriginalRequest: (what: string, why: string) =>
    answer(
      'ForwardAuth.InvalidOriginalRequest',
      catalogue['ForwardAuth.InvalidOriginalRequest'].message(what, why),
    ),
  invalidDenyStatus: () => fixed('ForwardAuth.InvalidDenyStatus'),
} as const;

/** The gateway's own answers besides the gate's refusals. */
export const gatewayErrors = {
  /** No route matches the request's Host and signed Version. */
  noRoute: () => fixed('InvalidApi.NotFound'),
  /** The upstream refused the connection, reset it, or broke off before a complete answer head. */
  upstreamUnreachable: () => fixed('ServiceUnavailable.UpstreamUnreachable'),
  /** The upstream stayed silent for `gateway.upstreamTimeoutMs`. */
  upstreamTimeout: () => fixed('ServiceUnavailable.UpstreamTimeout'),
  /** The client went away before the answer: recorded, never sent (nginx's 499). */
  clientClosed: () => fixed('ClientClosedRequest'),
} as const;

/** The access gate's denial; `detail` holds the `AccessDeniedDetail`. */
export const accessKeyDenied = (detail: ErrorDetail) =>
  fixed('InvalidAccessKeyId.AccessPolicyDenied', detail);

export const noPermission = (detail?: ErrorDetail) => fixed('NoPermission', detail);

/** `request` names the key and source it would deny; `override` the parameter that sets it anyway. */
export const lockoutPrevented = (request: string, override: string, detail: ErrorDetail) =>
  answer('LockoutPrevented', catalogue.LockoutPrevented.message(request, override), detail);

export const missingParameter = (name: string) =>
  answer(
    'MissingParameter.<Name>',
    catalogue['MissingParameter.<Name>'].message(name),
    undefined,
    `MissingParameter.${name}`,
  );

/** `why` is a sentence ending with its full stop. */
export const invalidParameter = (name: string, why: string, detail?: ErrorDetail) =>
  answer(
    'InvalidParameter.<Name>',
    catalogue['InvalidParameter.<Name>'].message(name, why),
    detail,
    `InvalidParameter.${name}`,
  );

/** `given` was sent with `other`, which it excludes. */
export const mutuallyExclusive = (given: string, other: string) =>
  answer(
    'InvalidParameter.MutuallyExclusive',
    catalogue['InvalidParameter.MutuallyExclusive'].message(given, other),
  );

/** ChangePassword's refusals of the caller. */
export const changePasswordErrors = {
  /** The root identity or an assumed role: only a RAM user has a login profile of its own. */
  notRamUser: () =>
    answer('NoPermission.ChangePassword', catalogue['NoPermission.ChangePassword'].message.notRamUser),
  /** The account's `AllowUserToChangePassword` is false. */
  notAllowed: () =>
    answer('NoPermission.ChangePassword', catalogue['NoPermission.ChangePassword'].message.notAllowed),
} as const;

/** CheckAccessKeyAccess's refusals of the call to check. */
export const accessCheckErrors = {
  /** Neither `AccessKeyId` nor `RequestId`. */
  nothingToCheck: () => fixed('MissingParameter.AccessKeyIdOrRequestId'),
  /** No event of the caller's account has the `RequestId`. */
  unknownRequest: () => fixed('EntityNotExist.AuditEvent'),
} as const;

/** Entry usage of a scope whose policy was never set. */
export const policyNeverSet = () => fixed('EntityNotExist.AccessKeyPolicy');

/** A window of audit data (`StartTime`, `EndTime`) the audit log cannot answer for; `days`: `audit.retentionDays`. */
export const timeRangeErrors = {
  endBeforeStart: () => fixed('InvalidTimeRange.EndBeforeStart'),
  /** Ending more than a minute after now. */
  endInFuture: () => fixed('InvalidTimeRange.EndInFuture'),
  /** Shorter than a day or longer than the retention. */
  length: (days: number) =>
    answer('InvalidTimeRange.Length', catalogue['InvalidTimeRange.Length'].message(days)),
  /** Starting before now minus the retention. */
  beforeRetention: (days: number) =>
    answer('InvalidTimeRange.BeforeRetention', catalogue['InvalidTimeRange.BeforeRetention'].message(days)),
} as const;

/** A scope without a report-only candidate, asked for one (docs/server.md, "Report-only candidates"). */
export const candidateNotFound = () => fixed('EntityNotExist.AccessKeyPolicyCandidate');

/**
 * KeyFence's `EntryDescriptions` refused: `problem` as `parseEntryDescriptions` reports it, its
 * element in `EntryIndex`.
 */
export const entryDescriptionsRefused = (problem: EntryDescriptionsProblem) =>
  answer(
    `InvalidEntryDescriptions.${problem.fault}`,
    catalogue[`InvalidEntryDescriptions.${problem.fault}`].message(problem.message),
    problem.index === null ? undefined : { EntryIndex: problem.index },
  );

/** ConfirmAccessKeyPolicyChange for a version the scope's policy is no longer at. */
export const policyChangeNotPending = (given: number, current: number) =>
  answer('PolicyChangeNotPending', catalogue.PolicyChangeNotPending.message(given, current), {
    CurrentPolicyVersion: current,
  });

/** A system policy KeyFence does not have. */
export const policyNotFound = () => fixed('EntityNotExist.Policy');

/** An authentication failure as the API answers it: its code, its message, its code's status. */
export const authRefusal = (error: AuthError): ApiError =>
  new ApiError(issuer, error.code, authErrorCatalogue[error.code].httpStatus, error.message);

/**
 * A store refusal as the API answers it (its code and message, the catalogue's status), or
 * undefined for a failure of the store itself, which the client is not told about.
 */
export function storeRefusal(error: StoreError): ApiError | undefined {
  const status = storeErrorAnswer[error.code];
  return typeof status === 'number' ? new ApiError(issuer, error.code, status, error.message) : undefined;
}
