import type { PolicyLimits } from '../policy/policy-limits.js';
import type { TrustedProxies } from '../request/source/trusted-proxies.js';
import type { StoreConfig } from '../store/index.js';
import type { ListenAddress } from './listen-address.js';

/**
 * What `keyfence serve` runs with, validated: the merge of the configuration file
 * (`--config FILE`, YAML or JSON), the environment (`KEYFENCE_*`) and the flags, in rising order
 * of precedence. Every field has its default filled in; nothing downstream re-validates it.
 * docs/configuration.md documents each field with its file key, flag and variable.
 */
export interface KeyFenceConfig {
  /** `data`: the data directory (SQLite file, master key, audit spool). Default `./keyfence-data`. */
  readonly dataDir: string;
  /** `databaseUrl` (postgres://…) or SQLite in `dataDir`. */
  readonly database: StoreConfig;
  /** `nodeId`: this node's name in the node status table. Default: `<hostname>-<listen port>` (`<hostname>-<process ID>` for port 0). */
  readonly nodeId: string;
  /** Every listener; the first is the one `listen`/`--listen` sets. At least one. */
  readonly listeners: readonly ListenerConfig[];
  /** `trustedProxies`: CIDRs whose forwarding headers are believed. */
  readonly trustedProxies: TrustedProxies;
  /**
   * `vpcEndpoints`: VPC endpoint ID (as carried by PROXY v2's AWS TLV 0xEA/0x01, e.g.
   * `vpce-0a1b2c3d`) → the VPC ID its connections come from. An endpoint ID not in the map gives
   * no VPC (a public-network request).
   */
  readonly vpcEndpoints: ReadonlyMap<string, string>;
  /** `exemptServices`: where the network ACL is not applied (still authenticated and audited). */
  readonly exemptServices: readonly ExemptService[];
  /** `policyLimits`: per-policy limits (parsePolicyLimits). */
  readonly policyLimits: PolicyLimits;
  /** `replayProtection`: where signature nonces are remembered. Default `store`. */
  readonly replayProtection: ReplayProtection;
  readonly forwardAuth: ForwardAuthConfig;
  readonly gateway: GatewayConfig;
  readonly sync: SyncConfig;
  readonly audit: AuditConfig;
  readonly insights: InsightsConfig;
  readonly console: ConsoleConfig;
}

/**
 * `store`: in this process's memory and in the store, so that a signed request is accepted at
 * most once across restarts and every node sharing the store; `memory`: in this process's memory
 * only (each node, and each restart, accepts it once).
 */
export type ReplayProtection = 'store' | 'memory';

export const REPLAY_PROTECTIONS: readonly ReplayProtection[] = ['store', 'memory'];

/** `audit.durability` (AuditConfig.durability). */
export type AuditDurability = 'async' | 'strict';

export const AUDIT_DURABILITIES: readonly AuditDurability[] = ['async', 'strict'];

/** `audit.retentionDays`'s bound: ten years, past what an audit log kept in the store is for. */
export const MAX_AUDIT_RETENTION_DAYS = 3650;

/** What a listener serves. */
export type ListenerRole =
  /** The RPC API at `/`, `/forward-auth`, `/healthz`, `/readyz`, `/metrics`. */
  | 'api'
  /** The gateway: every request is authenticated, decided, audited and proxied to an upstream. */
  | 'gateway'
  /** The web console at `/console/` (and `/healthz`, `/readyz`), so that it can live on an admin-only address. */
  | 'console';

export const LISTENER_ROLES: readonly ListenerRole[] = ['api', 'gateway', 'console'];

/** One entry of `listeners`. */
export interface ListenerConfig {
  readonly address: ListenAddress;
  readonly role: ListenerRole;
  /**
   * `proxyProtocol`: `off` (default), `v1`, `v2`, or `any` (v1 or v2, told apart by the first
   * bytes). When on, a connection without a valid header is closed; the header's source address
   * replaces the TCP peer (and is what trusted-proxy checks apply to).
   */
  readonly proxyProtocol: 'off' | 'v1' | 'v2' | 'any';
  /**
   * `proxyProtocolFrom`: the peers (CIDRs; the load balancer) whose PROXY header is believed;
   * required, and not empty, when `proxyProtocol` is on. A connection from anyone else is closed
   * unread. Separate from `trustedProxies` (whose forwarding headers are believed): the client a
   * header names is judged against `trustedProxies` like any TCP peer.
   */
  readonly proxyProtocolFrom?: TrustedProxies;
  /** `vpcEndpointOf`: every request on this listener is a VPC request from this VPC ID. */
  readonly vpcEndpointOf: string | undefined;
  /** `tls`: serve HTTPS with this certificate and key. Absent: plain HTTP. */
  readonly tls?: ListenerTls;
}

/**
 * `tls` of a listener (`--tls-cert`/`--tls-key` for the one `--listen` sets): PEM files, read at
 * start and again on SIGHUP. TLS 1.2 and later, with Node's defaults otherwise.
 */
export interface ListenerTls {
  /** The certificate, followed by its intermediates. */
  readonly cert: string;
  /** Its private key, unencrypted. */
  readonly key: string;
}

/** One entry of `exemptServices`: a service code, optionally narrowed to path prefixes. */
export interface ExemptService {
  /** A service code as routes and products name them (`ims`, `oss`, …), lower case. */
  readonly service: string;
  /** Path prefixes (gateway and forward-auth only) the exemption is limited to; empty = all. */
  readonly pathPrefixes: readonly string[];
}

/** `forwardAuth`. */
export interface ForwardAuthConfig {
  /**
   * `verifySignature`: true (default) verifies the Alibaba signature of the original request;
   * false trusts an upstream verifier and only identifies the key (AccessKeyId from the
   * Authorization header or the `AccessKeyId` parameter).
   */
  readonly verifySignature: boolean;
}

/** `gateway`. */
export interface GatewayConfig {
  /** Tried in order; the first that matches a request routes it. */
  readonly routes: readonly GatewayRoute[];
  /** `upstreamTimeoutMs`: how long an upstream may take to answer. Default 30 s. */
  readonly upstreamTimeoutMs: number;
  /**
   * `upstreamCa`: a PEM file of CA certificates trusted for `https://` upstreams, in addition to
   * Node's built-in roots (for upstreams with a private CA). Read at start.
   */
  readonly upstreamCa?: string | undefined;
}

/**
 * One entry of `gateway.routes`: which requests (by Host and/or the signed product Version) go
 * to which upstream, and the service code they are decided under. At least one of `host` and
 * `version` is set. Forward-auth uses the same routes (without `upstream`) to find the service
 * of the request it is asked about.
 */
export interface GatewayRoute {
  /** Host header match, case-insensitive, port ignored; `*.example.com` matches one label. */
  readonly host: string | undefined;
  /** The API version (`2014-05-26`) the request's signed `Version` must have. */
  readonly version: string | undefined;
  /** The service code decisions and exemptions use (`ecs`). */
  readonly service: string;
  /** `http://` or `https://host:port` (optionally with a path prefix) the request is forwarded to. */
  readonly upstream: URL;
}

/** `sync`. */
export interface SyncConfig {
  /**
   * `pollIntervalMs`: SQLite's version poll, and PostgreSQL's catch-up read when no
   * notification arrives (a safety net for a missed NOTIFY). Default 1000 ms.
   */
  readonly pollIntervalMs: number;
  /** `heartbeatMs`: how often this node writes its row in the node status table. Default 1000 ms. */
  readonly heartbeatMs: number;
  /** `staleAfterMs`: with no successful store read for this long, `/readyz` reports stale. Default 5 s. */
  readonly staleAfterMs: number;
}

/** `audit`. */
export interface AuditConfig {
  /** `spoolDir`: where events wait while the store is unreachable. Default `<dataDir>/audit-spool`. */
  readonly spoolDir: string;
  /** `spoolMaxBytes`: the spool's bound; beyond it events are dropped and counted. Default 256 MiB. */
  readonly spoolMaxBytes: number;
  /**
   * `coalesce`: identical allowed forward-auth and gateway requests of one AccessKey within one
   * second are stored as one event with a count (docs/audit.md). Default true.
   */
  readonly coalesce: boolean;
  /**
   * `durability`: `async` stores the events of calls that change nothing (reads, refusals,
   * forward-auth, gateway) within about a second after the answer; `strict` before it
   * (docs/audit.md, "Durability"). A call that changes state has its event stored with the
   * change either way. Default `async`.
   */
  readonly durability: AuditDurability;
  /**
   * `retentionDays`: audit events dated before midnight UTC this many days before today are
   * deleted, once a UTC day, by one node of the deployment (docs/audit.md, "Retention"). 1 to
   * MAX_AUDIT_RETENTION_DAYS; default 90.
   */
  readonly retentionDays: number;
}

/** `console`: the web console (docs/server.md, "Console"). */
export interface ConsoleConfig {
  /**
   * `enabled`: where `api` and `console` listeners serve `/console/`. Undefined (the default): on
   * loopback listeners only (127.0.0.0/8, ::1); true: on every one; false: on none.
   */
  readonly enabled: boolean | undefined;
  /** `idleTimeoutMinutes`: a console session unused this long is over. Default 30. */
  readonly idleTimeoutMinutes: number;
  /** `logonMaskLimit`: how many masks an account's `LoginNetworkMasks` may hold. Default 40. */
  readonly logonMaskLimit: number;
}

/** The largest `console.logonMaskLimit`: 512 characters hold at most this many masks. */
export const MAX_LOGON_MASK_LIMIT = 256;

/** `insights`: the analysis actions over the audit data (docs/server.md). */
export interface InsightsConfig {
  /**
   * `simulateMaxSources`: SimulateAccessKeyPolicy decides at most this many distinct (key, source,
   * VPC) of a window, those with the most calls first, and says when it left some out. Default 10,000.
   */
  readonly simulateMaxSources: number;
  /**
   * `recommendMaxPrefixV4`: the widest block RecommendAccessKeyPolicy may aggregate IPv4 sources
   * into, as a prefix length, 8 to 32 (lint warns about wider entries). Default 16.
   */
  readonly recommendMaxPrefixV4: number;
  /** `recommendMaxPrefixV6`: the same for IPv6, 32 to 128. Default 48. */
  readonly recommendMaxPrefixV6: number;
}
