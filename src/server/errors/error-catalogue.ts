import { type AuthErrorCode, authErrorCatalogue } from '../../auth/auth-error.js';
import { type StoreErrorCode, storeErrorMessages } from '../../store/index.js';

/**
 * Every code the Alibaba-compatible API answers, with its HTTP status, in one place: the codes
 * KeyFence's server defines, with their messages; the authentication failures, whose status and
 * message are auth's own (`authErrorCatalogue`: auth sits below the server); the answer to each
 * store failure, whose message is the store's. Codes are Alibaba's where Alibaba has one for the
 * case, otherwise KeyFence's in the same style. Only `api-error.ts` builds errors from it;
 * docs/server.md lists it ("Error codes", kept equal by a test).
 */

/** A code the server defines: its status, its message and what it means to a user. */
interface ServerErrorEntry {
  readonly httpStatus: number;
  /**
   * Fixed text; or a template filled with values the server chose (never unchecked request
   * input); or, for a code with several causes, one fixed text per cause.
   */
  readonly message: string | ((...values: never[]) => string) | Readonly<Record<string, string>>;
  /** The "meaning" column of docs/server.md. */
  readonly meaning: string;
}

const NOT_FOUND = 'Specified api is not found, please check your url and method.';

/** `why` is a sentence the server wrote (naming the element), ending with its full stop. */
const entryDescriptionsMessage = (why: string) =>
  `The parameter "EntryDescriptions" is not valid, so nothing was changed: ${why}`;

export const serverErrorCatalogue = {
  // The HTTP front and the RPC endpoint.
  'InvalidApi.NotFound': {
    httpStatus: 404,
    message: NOT_FOUND,
    meaning:
      'No API at this path (the RPC API answers at `/`), or no gateway route for the request’s host and version.',
  },
  UnsupportedHTTPMethod: {
    httpStatus: 405,
    message: (allowed: string) => `The HTTP method is not supported here; use ${allowed}.`,
    meaning:
      'The path does not take this method (`/` takes GET and POST, the health paths GET); `Allow` names the ones it takes.',
  },
  RequestEntityTooLarge: {
    httpStatus: 413,
    message: (limit: number) => `The request body is larger than ${limit} bytes.`,
    meaning: 'The request body is larger than `maxBodyBytes`.',
  },
  UnsupportedMediaType: {
    httpStatus: 415,
    message:
      'A request body must be application/x-www-form-urlencoded; send parameters in the query or a form.',
    meaning: 'A request body that is not `application/x-www-form-urlencoded`.',
  },
  'InvalidRequest.Malformed': {
    httpStatus: 400,
    message: 'The HTTP request is not well formed.',
    meaning: 'The HTTP request could not be parsed.',
  },
  RequestHeaderFieldsTooLarge: {
    httpStatus: 431,
    message: 'The request headers are larger than the server accepts.',
    meaning: 'The request line and headers are larger than `maxHeaderBytes`.',
  },
  RequestTimeout: {
    httpStatus: 408,
    message: 'The request was not received in full within the time allowed.',
    meaning: 'The request did not arrive in full within `requestTimeoutMs`.',
  },
  InvalidVersion: {
    httpStatus: 404,
    message: 'Specified parameter Version is not valid.',
    meaning:
      'The signed Version is not one KeyFence serves (IMS 2019-08-15, RAM 2015-05-01, STS 2015-04-01, ActionTrail 2020-07-06, KeyFence 2026-12-01).',
  },
  'InvalidAction.NotFound': {
    httpStatus: 404,
    message: NOT_FOUND,
    meaning: 'The product has no action of this name.',
  },
  'Gateway.NotConfigured': {
    httpStatus: 501,
    message: 'This listener is a gateway, and no gateway is configured.',
    meaning: 'A request on a `gateway` listener while no gateway is configured.',
  },
  InternalError: {
    httpStatus: 500,
    message: 'The request processing has failed due to some unknown error, exception or failure.',
    meaning:
      'Something unexpected failed: the server logs it with the RequestId and tells the client nothing more.',
  },
  // Also the replay guard's answer when its cache is full: one code, so auth's status and text.
  ServiceUnavailable: {
    httpStatus: authErrorCatalogue.ServiceUnavailable.httpStatus,
    message: {
      starting: authErrorCatalogue.ServiceUnavailable.message,
      // Under `audit.durability: strict`, nothing is answered without its audit event.
      audit:
        'KeyFence could not keep the audit event of this request, which strict audit durability requires; retry later.',
      // The database failed or cannot be reached (docs/fail-static.md): clients retry as after any 503.
      store:
        'The KeyFence store is unreachable, so this request could not be completed and nothing was changed; retry later.',
    },
    meaning:
      'A passing failure; retry later. The server has not loaded its policies yet, its replay cache is full, the store cannot be reached (nothing was changed), or, with strict audit durability, the request’s audit event could not be kept.',
  },

  // The access gate, the RPC API and its actions.
  'InvalidAccessKeyId.AccessPolicyDenied': {
    httpStatus: 400,
    message: 'Specified access key denied due to access policy.',
    meaning: 'A network ACL denies this AccessKey from this source; `AccessDeniedDetail` says which policy.',
  },
  NoPermission: {
    httpStatus: 403,
    message: 'You are not authorized to do this action.',
    meaning: 'The caller’s policies do not allow the action; `AccessDeniedDetail` names it.',
  },
  LockoutPrevented: {
    httpStatus: 400,
    /** `request` names the key and source; `override` the parameter that sets the policy anyway. */
    message: (request: string, override: string) =>
      `This policy would deny the very request setting it (${request}), ` +
      `so it was not set. To set it anyway, repeat the request with ${override}=true.`,
    meaning:
      'The policy would deny the very request setting it, so it was not set; `LockoutDetail` says why, and `IgnoreLockoutCheck=true` sets it anyway.',
  },
  PolicyVersionConflict: {
    httpStatus: 409,
    message: (expected: number, current: number) =>
      `The policy was changed since PolicyVersion ${expected}: its current PolicyVersion is ${current}, ` +
      `so it was not set. Get it again, reapply your change and retry with ExpectedPolicyVersion=${current}.`,
    meaning:
      '`ExpectedPolicyVersion` is not the policy’s current version, so nothing was changed; `CurrentPolicyVersion` gives the current one.',
  },
  'MissingParameter.<Name>': {
    httpStatus: 400,
    message: (name: string) =>
      `The input parameter "${name}" that is mandatory for processing this request is not supplied.`,
    meaning: 'A mandatory parameter is missing: one the action needs, or `Action` or `Version`.',
  },
  'InvalidParameter.<Name>': {
    httpStatus: 400,
    /** `why` is a sentence the server wrote, ending with its full stop. */
    message: (name: string, why: string) => `The parameter "${name}" is not valid: ${why}`,
    meaning:
      'A parameter’s value is not valid; the message says why (for `AccessKeyPolicy`, every problem, also in `PolicyProblems`).',
  },
  'EntityNotExist.Policy': {
    httpStatus: 404,
    message: 'The policy does not exist.',
    meaning: 'No system policy has this name.',
  },
  'NoPermission.ChangePassword': {
    httpStatus: 403,
    message: {
      notRamUser:
        'Only a RAM user can change its own console password; set other passwords with UpdateLoginProfile.',
      notAllowed: "The account's security preference does not allow users to change their own password.",
    },
    meaning:
      'ChangePassword by a caller that is not a RAM user, or while the security preference’s `AllowUserToChangePassword` is false.',
  },
  'InvalidParameter.MutuallyExclusive': {
    httpStatus: 400,
    message: (given: string, other: string) =>
      `The parameters "${given}" and "${other}" cannot be given together; give one of them.`,
    meaning: 'Two parameters that exclude each other were both given (e.g. `AccessKeyId` and `RequestId`).',
  },

  // KeyFence's own actions (2026-12-01).
  'MissingParameter.AccessKeyIdOrRequestId': {
    httpStatus: 400,
    message:
      'Name the call to check: AccessKeyId with SourceIp (and VpcId for a VPC source), or the RequestId of a past call.',
    meaning: '`CheckAccessKeyAccess` was given neither `AccessKeyId` nor `RequestId`.',
  },
  'EntityNotExist.AuditEvent': {
    httpStatus: 404,
    message: 'The audit log of your account holds no call with this RequestId.',
    meaning:
      'No audit event of the caller’s account has this `RequestId`: another account’s call, one not written yet (events follow their calls by about a second), or one deleted by retention.',
  },
  'EntityNotExist.AccessKeyPolicy': {
    httpStatus: 404,
    message: 'No network ACL policy was ever set for this scope: there are no entries to report on.',
    meaning:
      '`GetAccessKeyPolicyEntryUsage` for a scope (the account, or the AccessKey) whose policy was never set (`GetAccessKeyPolicy*` answer `{}`).',
  },
  'InvalidTimeRange.EndBeforeStart': {
    httpStatus: 400,
    message: 'EndTime is before StartTime: give a window that ends after it starts.',
    meaning: 'A window of audit data (`StartTime`, `EndTime`) ends before it starts.',
  },
  'InvalidTimeRange.EndInFuture': {
    httpStatus: 400,
    message: 'EndTime must not be more than a minute after now: the audit log holds no calls yet to be made.',
    meaning:
      'A window of audit data ends more than a minute after now (the minute allows for the clocks of client and server).',
  },
  'InvalidTimeRange.Length': {
    httpStatus: 400,
    /** `days`: `audit.retentionDays`. */
    message: (days: number) =>
      `The window from StartTime to EndTime must be 1 to ${days} days long (the audit log keeps ${days} days).`,
    meaning:
      'A window of audit data is shorter than a day or longer than `audit.retentionDays` (data is summed per UTC day).',
  },
  'InvalidTimeRange.BeforeRetention': {
    httpStatus: 400,
    /** `days`: `audit.retentionDays`. */
    message: (days: number) =>
      `StartTime must not be more than ${days} days ago: the audit log keeps ${days} days.`,
    meaning: 'A window of audit data starts before now minus `audit.retentionDays`, whose data is deleted.',
  },
  'EntityNotExist.AccessKeyPolicyCandidate': {
    httpStatus: 404,
    message: 'No report-only candidate policy is staged for this scope.',
    meaning:
      'Get, Delete or Promote of a report-only candidate for a scope (the account, or one AccessKey) that has none staged; nothing was changed.',
  },

  PolicyChangeNotPending: {
    httpStatus: 409,
    message: (given: number, current: number) =>
      `PolicyVersion ${given} is not the current policy of this scope (its PolicyVersion is ${current}): ` +
      `it was reverted or replaced, so there is nothing to confirm.`,
    meaning:
      '`ConfirmAccessKeyPolicyChange` for a version that is no longer the scope’s policy (reverted at its deadline, or replaced); `CurrentPolicyVersion` gives the current one.',
  },
  // Entry descriptions and parked entries (KeyFence's `EntryDescriptions` of the Set actions).
  'InvalidEntryDescriptions.Malformed': {
    httpStatus: 400,
    message: entryDescriptionsMessage,
    meaning:
      '`EntryDescriptions` is not a JSON array of `{StatementType, VpcId?, Entry, Description?, Parked?}` objects (an unknown field, a missing or wrong `VpcId`, a value of the wrong type); `EntryIndex` names the element.',
  },
  'InvalidEntryDescriptions.Entry': {
    httpStatus: 400,
    message: entryDescriptionsMessage,
    meaning:
      'An `Entry` of `EntryDescriptions` is not an IP address or CIDR block; the message has the parser’s reason and code.',
  },
  'InvalidEntryDescriptions.Description': {
    httpStatus: 400,
    message: entryDescriptionsMessage,
    meaning:
      'A `Description` of `EntryDescriptions` is longer than 256 characters or holds a control character or line break.',
  },
  'InvalidEntryDescriptions.Duplicate': {
    httpStatus: 400,
    message: entryDescriptionsMessage,
    meaning: '`EntryDescriptions` names one entry of one statement twice.',
  },
  'InvalidEntryDescriptions.NotInPolicy': {
    httpStatus: 400,
    message: entryDescriptionsMessage,
    meaning:
      'A described entry of `EntryDescriptions` that is not parked is not in the `AccessKeyPolicy` sent with it (in the statement of that type and VPC ID).',
  },
  'InvalidEntryDescriptions.ParkedInPolicy': {
    httpStatus: 400,
    message: entryDescriptionsMessage,
    meaning:
      'A parked entry of `EntryDescriptions` is in the `AccessKeyPolicy` sent with it: a parked entry is one the policy does not allow.',
  },
  'InvalidEntryDescriptions.TooManyParked': {
    httpStatus: 400,
    message: entryDescriptionsMessage,
    meaning:
      '`EntryDescriptions` parks more entries than a policy may hold (statements × entries per statement).',
  },

  // Forward-auth (docs/forward-auth.md).
  'ForwardAuth.UntrustedCaller': {
    httpStatus: 403,
    message: 'Only a trusted proxy may ask /forward-auth: add the gateway’s address to --trusted-proxy.',
    meaning: 'The caller of `/forward-auth` is not a `--trusted-proxy`.',
  },
  'ForwardAuth.MissingOriginalRequest': {
    httpStatus: 400,
    message:
      'Name the request to check: X-Original-Method and X-Original-URI (nginx auth_request), ' +
      'X-Forwarded-Method and X-Forwarded-Uri (Caddy forward_auth), or the original path after ' +
      '/forward-auth (Envoy ext_authz path_prefix).',
    meaning: '`/forward-auth` was not told which request to check.',
  },
  'ForwardAuth.AmbiguousOriginalRequest': {
    httpStatus: 400,
    message:
      'Both X-Original-URI and X-Forwarded-Uri were sent: a gateway sends one of them, so the other ' +
      'came from its client. Have the gateway remove the one it does not set.',
    meaning: 'Both `X-Original-URI` and `X-Forwarded-Uri` were sent.',
  },
  'ForwardAuth.InvalidOriginalRequest': {
    httpStatus: 400,
    /** `what` names the part, e.g. `The X-Original-URI header`; `why` ends the sentence. */
    message: (what: string, why: string) => `${what} ${why}.`,
    meaning:
      'The request to check is unreadable: a missing method header, a header given twice, or a URI that is not `/…` in visible ASCII.',
  },
  'ForwardAuth.InvalidDenyStatus': {
    httpStatus: 400,
    message: 'X-KeyFence-Deny-Status must be 401 or 403 (the statuses nginx auth_request passes on).',
    meaning: '`X-KeyFence-Deny-Status` is neither 401 nor 403.',
  },

  // The gateway (docs/gateway.md).
  'ServiceUnavailable.UpstreamUnreachable': {
    httpStatus: 502,
    message: 'The service behind the gateway could not be reached; try again later.',
    meaning: 'The service behind the gateway refused or reset the connection, or broke off its answer.',
  },
  'ServiceUnavailable.UpstreamTimeout': {
    httpStatus: 504,
    message: 'The service behind the gateway did not answer in time; try again later.',
    meaning: 'The service behind the gateway was silent for `upstreamTimeoutMs`.',
  },
  ClientClosedRequest: {
    httpStatus: 499,
    message: 'The client closed the connection before the answer.',
    meaning: 'The client left before its answer: recorded in the audit log, never sent.',
  },

  // The web console's API (docs/server.md, "Console").
  ConsoleSessionRequired: {
    httpStatus: 401,
    message: 'Sign in to the console first.',
    meaning:
      'A console request without a session, or with one that was ended (sign-out, password change, disabled login profile); `SetupRequired` says whether an account still has no root password.',
  },
  ConsoleSessionExpired: {
    httpStatus: 401,
    message: 'Your console session has expired: sign in again.',
    meaning:
      'The session outlived its account’s `LoginSessionDuration`, or was idle for `console.idleTimeoutMinutes`.',
  },
  ConsoleSigninFailed: {
    httpStatus: 401,
    message: 'The account, user or password is wrong.',
    meaning:
      'A console sign-in failed; the one message for every cause (unknown account or user, no or inactive login profile, wrong password), so that it reveals nothing.',
  },
  ConsoleSigninThrottled: {
    httpStatus: 429,
    /** `seconds`: how long until the next attempt is taken. */
    message: (seconds: number) => `Too many failed sign-ins: try again in ${seconds} seconds.`,
    meaning:
      'Too many failed console sign-ins for this principal (5 in 15 minutes) or from this address (20); `RetryAfterSeconds` says how long to wait.',
  },
  ConsoleLogonMaskDenied: {
    httpStatus: 403,
    /** `ip`: the caller's own address, as the server resolved it. */
    message: (ip: string) => `Sign-in from ${ip} is not allowed by this account's logon mask.`,
    meaning:
      'The account’s logon mask (`LoginNetworkMasks`) does not include the caller’s address: 403 at sign-in (after the password matched); 401 on a later request, which also ends the session.',
  },
  ConsoleSetupTokenInvalid: {
    httpStatus: 400,
    message:
      'The setup link is not valid: it was used, it expired, or the server restarted. Use the latest one.',
    meaning:
      'The setup token is unknown, used or expired (one hour); each start of `keyfence serve` logs a new one.',
  },
  ConsolePasswordTooShort: {
    httpStatus: 400,
    message: 'The password must be at least 12 characters long.',
    meaning: 'A console password under 12 characters.',
  },
  ConsoleCsrfRejected: {
    httpStatus: 403,
    message: 'The request lacks the session’s X-KeyFence-CSRF token.',
    meaning:
      'A console write without the session’s `X-KeyFence-CSRF` header, or with another value; nothing was done.',
  },
  ConsoleOriginRejected: {
    httpStatus: 403,
    message: 'The request does not come from the console’s own origin.',
    meaning:
      'A console write whose `Origin` is not the console’s own (and without `Sec-Fetch-Site: same-origin`); nothing was done.',
  },
  ConsoleUnsupportedMediaType: {
    httpStatus: 415,
    message: 'The console API takes application/json bodies only.',
    meaning: 'A console write whose body is not `application/json`, or not a JSON object of strings.',
  },
  ConsolePasswordResetRequired: {
    httpStatus: 403,
    message: 'Your password must be changed before you do anything else: call ChangePassword.',
    meaning:
      'A RAM user whose login profile has `PasswordResetRequired` is signed in, but its session may only read itself, sign out and call `ChangePassword` until the password is changed.',
  },
  ConsoleLockoutPrevented: {
    httpStatus: 400,
    /** `ip`: this session's address. */
    message: (ip: string) =>
      `These logon masks exclude this session's address ${ip}: you would lose console access. ` +
      'To set them anyway, repeat the request with AcknowledgeConsoleLockout=true.',
    meaning:
      '`SetSecurityPreference` from a console session with `LoginNetworkMasks` that exclude the session’s own address; `AcknowledgeConsoleLockout=true` sets them anyway.',
  },
} as const satisfies Record<string, ServerErrorEntry>;

export type ServerErrorCode = keyof typeof serverErrorCatalogue;

/**
 * What a store failure is answered with. A refusal (the request asked for something the data
 * does not allow) passes through with its code and message, and the status Alibaba's RAM gives
 * it. A failure of the store itself tells the client nothing: `unavailable` for the database (a
 * 503 `ServiceUnavailable` a client retries), `internal` for the rest (500 `InternalError`).
 */
export const storeErrorAnswer: Readonly<Record<StoreErrorCode, number | 'unavailable' | 'internal'>> = {
  'EntityNotExist.Account': 404,
  'EntityNotExist.User': 404,
  'EntityNotExist.User.AccessKey': 404,
  'EntityNotExist.Role': 404,
  'EntityNotExist.TemporaryCredential': 404,
  'EntityNotExist.PolicyVersion': 404,
  'EntityNotExist.User.Policy': 404,
  'EntityNotExist.User.LoginProfile': 404,
  'EntityAlreadyExists.User': 409,
  'EntityAlreadyExists.Role': 409,
  'EntityAlreadyExists.User.Policy': 409,
  'EntityAlreadyExists.User.LoginProfile': 409,
  'LimitExceeded.User.AccessKey': 409,
  'DeleteConflict.User.AccessKey': 409,
  'DeleteConflict.User.Policy': 409,
  'Conflict.PolicyVersion': 409,
  'InvalidParameter.UserName': 400,
  'InvalidParameter.DisplayName': 400,
  'InvalidParameter.Comments': 400,
  'InvalidParameter.UserPrincipalName': 400,
  'InvalidParameter.Status': 400,
  'InvalidParameter.RoleName': 400,
  'InvalidParameter.Description': 400,
  'InvalidParameter.MaxSessionDuration': 400,
  'InvalidParameter.DurationSeconds': 400,
  'InvalidParameter.RoleSessionName': 400,
  'InvalidParameter.AssumeRolePolicyDocument': 400,
  'InvalidParameter.PolicyType': 400,
  'InvalidParameter.PolicyName': 400,
  'Store.AlreadyInitialized': 'internal',
  'Store.InvalidConfig': 'internal',
  'Store.Database': 'unavailable',
  'Store.InvalidData': 'internal',
  'Store.SnapshotClosed': 'internal',
  'Store.SecretUndecryptable': 'internal',
  'MasterKey.Missing': 'internal',
  'MasterKey.Invalid': 'internal',
  'MasterKey.InsecurePermissions': 'internal',
  'MasterKey.Mismatch': 'internal',
};

/** One code as a user sees it: docs/server.md's table has a row for each. */
export interface CatalogueEntry {
  readonly code: string;
  readonly httpStatus: number;
  readonly meaning: string;
}

/**
 * Every code the API can answer, each once: the server's own, then authentication's, then the
 * store refusals that pass through. Auth and store codes mean what their fixed messages say.
 */
export function catalogueEntries(): CatalogueEntry[] {
  const server = Object.entries(serverErrorCatalogue).map(([code, { httpStatus, meaning }]) => ({
    code,
    httpStatus,
    meaning,
  }));
  const auth = (Object.keys(authErrorCatalogue) as AuthErrorCode[])
    .filter((code) => !Object.hasOwn(serverErrorCatalogue, code))
    .map((code) => ({
      code,
      httpStatus: authErrorCatalogue[code].httpStatus,
      meaning: authErrorCatalogue[code].message,
    }));
  const store = (Object.keys(storeErrorAnswer) as StoreErrorCode[]).flatMap((code) => {
    const answer = storeErrorAnswer[code];
    return typeof answer === 'number'
      ? [{ code, httpStatus: answer, meaning: storeErrorMessages[code] }]
      : [];
  });
  return [...server, ...auth, ...store];
}
