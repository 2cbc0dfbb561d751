import type { Logger } from 'pino';
import type { AuditSink } from '../audit/audit-sink.js';
import type {
  ExemptService,
  ForwardAuthConfig,
  GatewayConfig,
  KeyFenceConfig,
  ReplayProtection,
} from '../config/keyfence-config.js';
import { DEFAULT_POLICY_LIMITS, type PolicyLimits } from '../policy/policy-limits.js';
import type { TrustedProxies } from '../request/source/trusted-proxies.js';
import type { KeyFenceStore } from '../store/index.js';
import type { OutageLog } from '../sync/outage-log.js';
import type { ActionDefinition } from './rpc/action.js';
import type { PoliciesOf } from './rpc/authorize.js';

export interface KeyFenceServerOptions {
  /** Opened and closed by the caller; the server only uses it. */
  readonly store: KeyFenceStore;
  /** The actions the RPC API routes to, by (product version, action name). */
  readonly actions: readonly ActionDefinition[];
  /** Peers whose X-Forwarded-For / Forwarded / X-Forwarded-Vpc-Id are believed. Default: none. */
  readonly trustedProxies?: TrustedProxies;
  /**
   * VPC endpoint ID → VPC ID, for the AWS TLV of PROXY v2 headers (`vpcEndpoints` in the
   * configuration). Default: none (such connections get no VPC).
   */
  readonly vpcEndpoints?: ReadonlyMap<string, string>;
  /**
   * Where network ACLs are not applied: service codes (`ims`, `sts`, or a gateway route's `ecs`),
   * each on every path or only under some path prefixes (forward-auth and gateway requests).
   * Requests there are still authenticated and audited, with reason `exempt-service`.
   */
  readonly exemptServices?: readonly ExemptService[];
  /** `/forward-auth`. Default: signatures verified. */
  readonly forwardAuth?: ForwardAuthConfig;
  /**
   * The gateway's routes; forward-auth finds the service of a request by them too (by Host
   * and/or signed Version). Default: none.
   */
  readonly gateway?: GatewayConfig;
  /** Where every request's record goes. Default: nowhere. */
  readonly auditSink?: AuditSink;
  /**
   * The system policies attached to a RAM user. Default: the store's user policy attachments, as
   * this node holds them in memory (kept current from the change log).
   */
  readonly policiesOf?: PoliciesOf;
  /** Limits on AccessKeyPolicy documents the Set actions accept. Default: DEFAULT_POLICY_LIMITS. */
  readonly policyLimits?: PolicyLimits;
  /**
   * The whole validated configuration, when the server runs from one (`keyfence serve`): the
   * parts without an option of their own here (forward-auth, gateway, sync, audit) are read from it.
   */
  readonly config?: KeyFenceConfig;
  /** Default: silent. */
  readonly logger?: Logger;
  /**
   * How store failures are logged: an outage once as it starts and ends, with periodic summaries.
   * Pass the one the audit sink reports to, so that an outage is logged once. Default: one of its own.
   */
  readonly outageLog?: OutageLog;
  /** `HostId` of error bodies. Default: the host name of the request's Host header. */
  readonly hostId?: string;
  /** Largest request body accepted. Default: room for the largest policy (208 KiB at the default limits). */
  readonly maxBodyBytes?: number;
  /** Largest request line plus headers accepted (node:http's `maxHeaderSize`). Default: as `maxBodyBytes`. */
  readonly maxHeaderBytes?: number;
  /**
   * How often the change log is read whatever was announced: changes made elsewhere arrive at
   * least this fast on SQLite, and on PostgreSQL even when a notification was lost. Default 1000 ms.
   */
  readonly pollIntervalMs?: number;
  /** This node's name in the node status table. Default `<host name>-<process ID>`. */
  readonly nodeId?: string;
  /** How often this node writes its row in the node status table. Default 1000 ms. */
  readonly heartbeatMs?: number;
  /**
   * How often this node deletes expired temporary (STS) credentials and long-silent node rows from
   * the store (docs/sync.md, "Housekeeping"). Default 10 minutes.
   */
  readonly housekeepingMs?: number;
  /** A node status row not written for this long is deleted. Default 7 days. */
  readonly forgetNodesAfterMs?: number;
  /** With no successful store read for this long, `/readyz` reports the node stale. Default 5000 ms. */
  readonly staleAfterMs?: number;
  /** How long `close` lets in-flight requests finish before cutting connections. Default 10 s. */
  readonly shutdownTimeoutMs?: number;
  /** How long a client may take to send a whole request. Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** How long a connection on a PROXY-protocol listener may take to send its header. Default 5 s. */
  readonly proxyHeaderTimeoutMs?: number;
  /**
   * `store` (default): a signed request's nonce is claimed in the store too, so a replay is
   * refused after a restart and on every node sharing the store; `memory`: this process's replay
   * guard alone (docs/auth.md, "Replay guard"). Default: the configuration's, else `store`.
   */
  readonly replayProtection?: ReplayProtection;
  /**
   * With `replayProtection: store`, a folder this node alone owns (its locked data folder) where
   * admitted nonces are journaled and read back at start, instead of claims in the store: for a
   * SQLite store, which no other node shares (src/auth/nonce-journal.ts). Without it, nonces are
   * claimed in the store.
   */
  readonly replayJournalDir?: string;
  /** The clock for signature windows and records; tests pin it. */
  readonly now?: () => Date;
}

/**
 * The SDKs put every parameter in the query (openapi-core) or a form body (pop-core), so either
 * must hold the largest valid AccessKeyPolicy, percent-encoded (at most three bytes per byte),
 * with room for the other parameters and the headers.
 */
export function largestRequest(limits: PolicyLimits): number {
  return 3 * limits.maxDocumentBytes + 16 * 1024;
}

export const SERVER_DEFAULTS = Object.freeze({
  maxBodyBytes: largestRequest(DEFAULT_POLICY_LIMITS),
  maxHeaderBytes: largestRequest(DEFAULT_POLICY_LIMITS),
  pollIntervalMs: 1000,
  heartbeatMs: 1000,
  staleAfterMs: 5000,
  shutdownTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  proxyHeaderTimeoutMs: 5000,
  keyUseFlushMs: 1000,
  housekeepingMs: 10 * 60_000,
  forgetNodesAfterMs: 7 * 24 * 60 * 60_000,
});
