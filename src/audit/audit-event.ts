import { formatAlibabaTime } from '../common/alibaba-time.js';
import type { Decision, DecisionReason, DecisionScope } from '../policy/decision.js';
import type { Caller } from '../request/caller.js';

type ConsoleCaller = Extract<Caller, { readonly type: 'console-session' }>;

import type { Product } from '../request/product.js';
import type {
  Authentication,
  ConsoleUser,
  EntryPoint,
  OriginalRequest,
  RequestRecord,
} from '../request/request-record.js';
import type { AccessKeyPrincipal, AccountId } from '../store/index.js';
import { keyToResolve, ownerOf } from './event-owner.js';
import { maskErrorMessage, maskText, safeRequestParameters, secretsOf } from './masking.js';

/**
 * A request's record as the audit log takes it. Its `params`, when given, are filtered: the
 * allowlisted ones are kept and the credential-like ones are masked out of every text the event
 * keeps (see masking.ts).
 */
export type AuditedRequest = RequestRecord;

/** `unknown` when the request did not prove who sent it. */
export type UserIdentityType = 'root-account' | 'ram-user' | 'assumed-role' | 'unknown';

export interface UserIdentity {
  readonly type: UserIdentityType;
  readonly accountId: string | null;
  /** The account ID (root), the user ID (RAM user), `<roleId>:<session name>` (assumed role). */
  readonly principalId: string | null;
  /** `root`, the user name, or `<role name>:<session name>`, as ActionTrail names them. */
  readonly userName: string | null;
  /** The key the call was signed with; for a refused request, the key it named. Null from the console. */
  readonly accessKeyId: string | null;
  /** Console events of a signed-in session: the SHA-256 (hex) of its session ID. Absent otherwise. */
  readonly consoleSessionId?: string;
}

/**
 * `ApiCall` for the API (RPC, forward-auth, gateway); from the web console, `ConsoleSignin` for
 * every sign-in attempt and `ConsoleOperation` for everything else it records (its writes).
 */
export type AuditEventType = 'ApiCall' | 'ConsoleSignin' | 'ConsoleOperation';

/** The event name of a console sign-in attempt (with `eventType: ConsoleSignin`). */
export const CONSOLE_SIGNIN_EVENT = 'ConsoleSignin';

/** KeyFence's own fields: the network-ACL decision and how the call ended. */
export interface KeyFenceFields {
  /** Null when the call was refused before a decision was made (e.g. in authentication). */
  readonly allowed: boolean | null;
  readonly reason: DecisionReason | null;
  readonly scope: DecisionScope | null;
  /** Index of the statement that matched in the deciding policy; null when none did. */
  readonly statement: number | null;
  /** Version of the deciding policy; 0 when no policy decided, null without a decision. */
  readonly policyVersion: number | null;
  /**
   * The change-log version the deciding node enforced: every change up to it was in force, so
   * a write whose receipt (`PolicyVersion`) is at most this was applied. Null without a decision.
   */
  readonly appliedVersion: number | null;
  /**
   * What the report-only candidates of the key's scopes would have decided (docs/server.md,
   * "Report-only candidates"); absent when none was staged. Never what happened.
   */
  readonly candidate?: CandidateOutcome;
  /** Whether the request's signature was verified and its credential accepted. */
  readonly authenticated: boolean;
  /**
   * How the caller was established: `signature` (verified by KeyFence), `access-key-id`
   * (forward-auth trusting an upstream verifier: named, not proven); null when it was not.
   */
  readonly authentication: Authentication | null;
  /** Where the request entered: `rpc`, `forward-auth` or `gateway`. */
  readonly entryPoint: EntryPoint;
  /** The service code the decision was made under; null when refused before it was known. */
  readonly service: string | null;
  /** Forward-auth and gateway: the original request (method, host, path; never the query). */
  readonly request: OriginalRequest | null;
  readonly httpStatus: number;
  /** Set when a trusted proxy forwarded an unreadable source: the decision then saw none. */
  readonly sourceFault: string | null;
  /**
   * How many requests the event stands for: 1, or more for identical allowed forward-auth and
   * gateway requests of one second folded into one event (docs/audit.md, "Coalesced events").
   * The event's `requestId` and times are the first one's.
   */
  readonly count: number;
  /** When `count` > 1: the latest arrival among them, ISO 8601 to the millisecond; else null. */
  readonly lastTime: string | null;
}

/** A report-only candidate's decision, as the audit event keeps it. */
export interface CandidateOutcome {
  readonly allowed: boolean;
  readonly reason: DecisionReason;
  readonly scope: DecisionScope;
  /** Index in the candidate's (or, for a scope without one, the policy's) `Statements`; null when none matched. */
  readonly statement: number | null;
  readonly policyVersion: number;
}

/** One API call in ActionTrail's event shape (docs/audit.md) plus `keyfence`. Nothing in it is secret. */
export interface AuditEvent {
  readonly eventId: string;
  /** The API called; for a refused request, the one it claimed (null if none). */
  readonly eventName: string | null;
  readonly eventType: AuditEventType;
  readonly eventCategory: 'Management';
  readonly eventRW: 'Read' | 'Write';
  /** `yyyy-MM-ddTHH:mm:ssZ`. */
  readonly eventTime: string;
  /** The product's endpoint (`ims.aliyuncs.com`); for another service, the host the client addressed. */
  readonly eventSource: string | null;
  readonly eventVersion: 1;
  readonly serviceName: Product | null;
  readonly acsRegion: string;
  readonly requestId: string;
  readonly apiVersion: string | null;
  readonly userAgent: string | null;
  readonly sourceIpAddress: string;
  readonly vpcId: string | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly requestParameters: Readonly<Record<string, string>>;
  readonly userIdentity: UserIdentity;
  readonly keyfence: KeyFenceFields;
}

/** An event with what the store files it under. */
export interface BuiltAuditEvent {
  readonly event: AuditEvent;
  /** The account that may read it; null for none (docs/audit.md, "Whose event"). */
  readonly accountId: AccountId | null;
  /** The request's arrival, to the millisecond (`eventTime` keeps only the second). */
  readonly at: Date;
}

/** The requests an event stands for beyond its first (coalesced-event.ts). */
export interface FoldedRequests {
  /** All of them, the first included: at least 2. */
  readonly count: number;
  /** The latest arrival among them. */
  readonly lastTime: Date;
}

export interface EventContext {
  readonly eventId: string;
  /** Set when the event stands for several requests; absent for one. */
  readonly folded?: FoldedRequests | undefined;
  /** The holder of `keyToResolve(record)`'s key, if the store knows it. */
  readonly principal: AccessKeyPrincipal | undefined;
  readonly region: string;
}

// KeyFence's Check, Recommend and Simulate read the policies and the log; they change nothing.
const readAction = /^(?:Get|List|Lookup|Check|Recommend|Simulate)[A-Z]/;

/** Whether an action only reads (`eventRW: Read`): by its verb, as ActionTrail files it. */
export const isReadAction = (action: string): boolean => readAction.test(action);

// Events are built in arrival order, thousands a second: each second's text is made once.
let lastSecond = Number.NaN;
let lastEventTime = '';

function eventTimeOf(time: Date): string {
  const second = Math.floor(time.getTime() / 1000);
  if (second !== lastSecond) {
    lastEventTime = formatAlibabaTime(time);
    lastSecond = second;
  }
  return lastEventTime;
}

export function buildAuditEvent(record: AuditedRequest, context: EventContext): BuiltAuditEvent {
  const params = record.params ?? {};
  const secrets = secretsOf(params);
  const { decision, product } = record;
  const principal = keyToResolve(record) === null ? undefined : context.principal;
  const built: BuiltAuditEvent = {
    accountId: ownerOf(record, principal),
    at: record.time,
    event: {
      eventId: context.eventId,
      eventName: record.action,
      eventType: eventTypeOf(record),
      eventCategory: 'Management',
      eventRW: record.action !== null && readAction.test(record.action) ? 'Read' : 'Write',
      eventTime: eventTimeOf(record.time),
      eventSource:
        product === null ? (record.original?.host ?? null) : `${product.toLowerCase()}.aliyuncs.com`,
      eventVersion: 1,
      serviceName: product,
      acsRegion: context.region,
      requestId: record.requestId,
      apiVersion: record.version,
      userAgent: record.userAgent === null ? null : maskText(record.userAgent, secrets),
      sourceIpAddress: record.source.ip,
      vpcId: record.source.vpcId,
      errorCode: record.errorCode,
      errorMessage: record.errorMessage === null ? null : maskErrorMessage(record.errorMessage, secrets),
      requestParameters: safeRequestParameters(params, secrets),
      userIdentity: identityOf(record, principal),
      keyfence: {
        allowed: decision?.allowed ?? null,
        reason: decision?.reason ?? null,
        scope: decision?.scope ?? null,
        statement: decision === null || decision.statement < 0 ? null : decision.statement,
        policyVersion: decision?.policyVersion ?? null,
        appliedVersion: decision === null ? null : (record.appliedVersion ?? null),
        authenticated:
          record.caller !== null &&
          (record.authentication === 'signature' || record.authentication === 'console-session'),
        authentication: record.caller === null ? null : record.authentication,
        entryPoint: record.entryPoint,
        service: record.service,
        request:
          record.original === null
            ? null
            : { ...record.original, path: maskText(record.original.path, secrets) },
        httpStatus: record.httpStatus,
        sourceFault: record.source.fault,
        count: context.folded?.count ?? 1,
        lastTime: context.folded === undefined ? null : context.folded.lastTime.toISOString(),
      },
    },
  };
  // Only events decided while a candidate was staged carry one: the rest keep their shape.
  if (record.candidate != null) {
    (built.event.keyfence as { candidate?: CandidateOutcome }).candidate = candidateOutcome(record.candidate);
  }
  return built;
}

function eventTypeOf(record: RequestRecord): AuditEventType {
  if (record.entryPoint !== 'console') return 'ApiCall';
  return record.action === CONSOLE_SIGNIN_EVENT ? 'ConsoleSignin' : 'ConsoleOperation';
}

function candidateOutcome(candidate: Decision): CandidateOutcome {
  return {
    allowed: candidate.allowed,
    reason: candidate.reason,
    scope: candidate.scope,
    statement: candidate.statement < 0 ? null : candidate.statement,
    policyVersion: candidate.policyVersion,
  };
}

function identityOf(record: RequestRecord, principal: AccessKeyPrincipal | undefined): UserIdentity {
  const { caller } = record;
  if (caller !== null) return callerIdentity(caller, principal);
  if (record.consoleUser != null) return consoleUserIdentity(record.consoleUser);
  if (principal === undefined) {
    return {
      type: 'unknown',
      accountId: null,
      principalId: null,
      userName: null,
      accessKeyId: record.claimedAccessKeyId,
    };
  }
  return principalIdentity(principal, record.claimedAccessKeyId);
}

/** A caller as the request proved it; the store adds the user or role ID when it still has them. */
function callerIdentity(caller: Caller, principal: AccessKeyPrincipal | undefined): UserIdentity {
  if (caller.type === 'console-session') {
    return { ...consoleUserIdentity(caller), consoleSessionId: caller.sessionId };
  }
  const { accountId, accessKeyId } = caller;
  switch (caller.type) {
    case 'root-account':
      return { type: caller.type, accountId, principalId: accountId, userName: 'root', accessKeyId };
    case 'ram-user':
      return {
        type: caller.type,
        accountId,
        principalId:
          principal?.type === 'ram-user' && principal.accountId === accountId ? principal.userId : null,
        userName: caller.userName,
        accessKeyId,
      };
    case 'assumed-role':
      return {
        type: caller.type,
        accountId,
        principalId:
          principal?.type === 'assumed-role' && principal.accountId === accountId
            ? `${principal.roleId}:${caller.roleSessionName}`
            : null,
        userName: `${caller.roleName}:${caller.roleSessionName}`,
        accessKeyId,
      };
  }
}

/** Who a console request is about (signed in, or named by a sign-in attempt): no key is involved. */
function consoleUserIdentity({ accountId, principal }: ConsoleUser | ConsoleCaller): UserIdentity {
  return principal.type === 'root'
    ? { type: 'root-account', accountId, principalId: accountId, userName: 'root', accessKeyId: null }
    : {
        type: 'ram-user',
        accountId,
        principalId: principal.userId,
        userName: principal.userName,
        accessKeyId: null,
      };
}

function principalIdentity(principal: AccessKeyPrincipal, accessKeyId: string | null): UserIdentity {
  const { accountId } = principal;
  switch (principal.type) {
    case 'root-account':
      return { type: principal.type, accountId, principalId: accountId, userName: 'root', accessKeyId };
    case 'ram-user':
      return {
        type: principal.type,
        accountId,
        principalId: principal.userId,
        userName: principal.userName,
        accessKeyId,
      };
    case 'assumed-role': {
      const session = principal.roleSessionName;
      return {
        type: principal.type,
        accountId,
        principalId: `${principal.roleId}:${session}`,
        userName: `${principal.roleName}:${session}`,
        accessKeyId,
      };
    }
  }
}
