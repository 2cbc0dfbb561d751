import type { Decision } from '../policy/decision.js';
import type { AccountId } from '../store/index.js';
import type { Caller } from './caller.js';
import type { Product } from './product.js';

/** The source of a request as the audit log keeps it. */
export interface RecordedSource {
  /**
   * The address the decision saw: the TCP peer, or the client a trusted proxy named. When the
   * proxy's headers could not be read (`fault` set) this is the TCP peer's address.
   */
  readonly ip: string;
  readonly vpcId: string | null;
  /** Set when a trusted proxy forwarded something unreadable; the decision then saw no address. */
  readonly fault: string | null;
}

/** Where a request entered KeyFence: the RPC API, the forward-auth endpoint, the gateway, or the web console. */
export type EntryPoint = 'rpc' | 'forward-auth' | 'gateway' | 'console';

/**
 * An account's root identity or RAM user, as a console sign-in named it: the user's ID when the
 * user exists, null when the account does but no such user.
 */
export interface ConsoleUser {
  readonly accountId: AccountId;
  readonly principal:
    | { readonly type: 'root' }
    | { readonly type: 'ram-user'; readonly userName: string; readonly userId: string | null };
}

/**
 * The request a gateway asked about (forward-auth) or KeyFence proxied (gateway), as the record
 * keeps it. Never the query, which may carry a signature or a SecurityToken.
 */
export interface OriginalRequest {
  readonly method: string;
  /** The host the client addressed, without the port; null when it named none. */
  readonly host: string | null;
  /** The path as sent, undecoded, at most 1024 characters. */
  readonly path: string;
}

/** How the caller was established. */
export type Authentication =
  /** KeyFence verified the request's signature. */
  | 'signature'
  /** A web console session (signed in with a password; its cookie and CSRF token checked). */
  | 'console-session'
  /** Named by its AccessKeyId only, an upstream verifier trusted (forward-auth, `verifySignature: false`). */
  | 'access-key-id';

/**
 * One API call, allowed or refused at any stage, with everything an ActionTrail-style event
 * needs. Nothing in it is secret by construction: no signature, SecurityToken, AccessKey secret
 * or header value beyond the User-Agent.
 */
export interface RequestRecord {
  /** Upper-case UUID, the `RequestId` of the response. */
  readonly requestId: string;
  /** When the request arrived. */
  readonly time: Date;
  /**
   * The API called. From what was signed once authentication succeeded; before that, what the
   * request claimed (`x-acs-action`/`x-acs-version` or the `Action`/`Version` parameters), or
   * null when it named none. Claimed values are unverified and at most 128 characters.
   */
  readonly action: string | null;
  readonly version: string | null;
  /** The product `version` belongs to, or null for an unknown version. */
  readonly product: Product | null;
  /**
   * The signed request parameters (query and form merged, names as sent) once authentication
   * succeeded, without `SecurityToken`; null before. They are the client's input: the sink keeps
   * what it needs and masks anything credential-like a client put in a parameter. (Optional only
   * so that records made elsewhere, e.g. in tests, may leave it out; the server always sets it.)
   */
  readonly params?: Readonly<Record<string, string>> | null;
  /** Who signed the request; null when authentication failed. */
  readonly caller: Caller | null;
  /**
   * A console sign-in that failed: the identity it named, when that exists. The event then
   * belongs to its account, whose administrators are to see attempts on it. Absent otherwise.
   */
  readonly consoleUser?: ConsoleUser | null;
  /** How `caller` was established; null when it was not. */
  readonly authentication: Authentication | null;
  /** When authentication failed: the AccessKeyId the request claimed, if it named one. */
  readonly claimedAccessKeyId: string | null;
  readonly source: RecordedSource;
  readonly entryPoint: EntryPoint;
  /**
   * The service code the network ACL was decided under (`ims`, `ecs`, …); null when the request
   * was refused before it was known.
   */
  readonly service: string | null;
  /** Forward-auth and gateway: the original request. Null for the RPC API, where the call is the request. */
  readonly original: OriginalRequest | null;
  /** The network-ACL decision, or null when the request was refused before one was made. */
  readonly decision: Decision | null;
  /**
   * The change-log version this node's decision index enforced when `decision` was made (every
   * change up to it applied); null without a decision. (Optional only so that records made
   * elsewhere may leave it out; the server always sets it.)
   */
  readonly appliedVersion?: number | null;
  /**
   * What the report-only candidates of the key's scopes would have decided (docs/server.md,
   * "Report-only candidates"); null or absent when none was staged. Never the outcome.
   */
  readonly candidate?: Decision | null;
  /** Null on success. */
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly httpStatus: number;
  readonly userAgent: string | null;
}
