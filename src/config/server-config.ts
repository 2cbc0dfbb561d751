import { join } from 'node:path';
import { WIDE_IPV4_PREFIX, WIDE_IPV6_PREFIX } from '../policy/lint-entry.js';
import { DEFAULT_POLICY_LIMITS } from '../policy/policy-limits.js';
import { TrustedProxies } from '../request/source/trusted-proxies.js';
import { CONFIG_DEFAULTS, largestRequest } from './config-defaults.js';
import type { ConsoleConfig, KeyFenceConfig, SyncConfig } from './keyfence-config.js';
import { defaultNodeId, isNodeId } from './node-id.js';

/**
 * What a KeyFence server runs with, validated and with every default filled in: the part of
 * KeyFenceConfig a node and its listeners read, and the limits that have no configuration key
 * (embedders and tests set them; `keyfence serve` keeps their defaults).
 */
export interface ServerConfig
  extends Pick<
    KeyFenceConfig,
    | 'nodeId'
    | 'trustedProxies'
    | 'vpcEndpoints'
    | 'exemptServices'
    | 'policyLimits'
    | 'replayProtection'
    | 'forwardAuth'
    | 'gateway'
    | 'insights'
    | 'console'
  > {
  /**
   * With `replayProtection: store`, a folder this node alone owns (its locked data folder) where
   * admitted nonces are journaled and read back at start, instead of claims in the store: for a
   * SQLite store, which no other node shares (src/auth/nonce-journal.ts). Undefined: nonces are
   * claimed in the store.
   */
  readonly replayJournalDir: string | undefined;
  readonly sync: NodeSyncConfig;
  readonly retention: RetentionConfig;
  readonly http: HttpConfig;
}

/** Deleting old audit data (docs/audit.md, "Retention"). */
export interface RetentionConfig {
  /** `audit.retentionDays`. */
  readonly days: number;
  /** How often a node asks whether today's pass is due, and runs it if no other node does. */
  readonly checkMs: number;
  /** Rows one statement deletes. Undefined: 100 on SQLite, 5,000 on PostgreSQL. */
  readonly batchRows: number | undefined;
}

/** How a node follows the store, and its periodic writes to it. */
export interface NodeSyncConfig extends SyncConfig {
  /** How often expired STS credentials, old nonces and long-silent node rows are deleted (docs/sync.md, "Housekeeping"). */
  readonly housekeepingMs: number;
  /** A node status row not written for this long is deleted. */
  readonly forgetNodesAfterMs: number;
  /** How often AccessKey last uses collected in memory are written. */
  readonly keyUseFlushMs: number;
}

/** The listeners' limits. */
export interface HttpConfig {
  /** `HostId` of error bodies. Undefined: the host name of the request's Host header. */
  readonly hostId: string | undefined;
  /** Largest request body accepted. Default: room for the largest policy (208 KiB at the default limits). */
  readonly maxBodyBytes: number;
  /** Largest request line plus headers accepted (node:http's `maxHeaderSize`). Default: as `maxBodyBytes`. */
  readonly maxHeaderBytes: number;
  /** How long a client may take to send a whole request. */
  readonly requestTimeoutMs: number;
  /** How long a connection on a PROXY-protocol listener may take to send its header. */
  readonly proxyHeaderTimeoutMs: number;
  /** How long a graceful stop lets in-flight requests finish before cutting connections. */
  readonly shutdownTimeoutMs: number;
}

/** What a ServerConfig is built from: any field left out takes its default. */
export type ServerSettings = Partial<Omit<ServerConfig, 'sync' | 'retention' | 'http' | 'console'>> & {
  readonly console?: Partial<ConsoleConfig>;
  readonly sync?: Partial<NodeSyncConfig>;
  readonly retention?: Partial<RetentionConfig>;
  readonly http?: Partial<HttpConfig>;
};

/** The server's part of a loaded configuration; a SQLite node journals its nonces in its data folder. */
export function serverConfigOf(config: KeyFenceConfig): ServerConfig {
  return serverConfig({
    nodeId: config.nodeId,
    trustedProxies: config.trustedProxies,
    vpcEndpoints: config.vpcEndpoints,
    exemptServices: config.exemptServices,
    policyLimits: config.policyLimits,
    replayProtection: config.replayProtection,
    forwardAuth: config.forwardAuth,
    gateway: config.gateway,
    insights: config.insights,
    console: config.console,
    sync: config.sync,
    retention: { days: config.audit.retentionDays },
    replayJournalDir:
      config.database.dialect === 'sqlite'
        ? join(config.dataDir, CONFIG_DEFAULTS.replayJournalDirName)
        : undefined,
  });
}

/** `settings` with every default filled in; throws RangeError for a value out of range. */
export function serverConfig(settings: ServerSettings = {}): ServerConfig {
  const policyLimits = settings.policyLimits ?? DEFAULT_POLICY_LIMITS;
  const largest = largestRequest(policyLimits);
  const nodeId = settings.nodeId ?? defaultNodeId();
  if (!isNodeId(nodeId)) throw new RangeError(`nodeId ${JSON.stringify(nodeId)} is not a valid node ID`);
  const sync = settings.sync ?? {};
  const http = settings.http ?? {};
  const retention = settings.retention ?? {};
  return {
    nodeId,
    trustedProxies: settings.trustedProxies ?? TrustedProxies.none,
    vpcEndpoints: settings.vpcEndpoints ?? new Map(),
    exemptServices: settings.exemptServices ?? [],
    policyLimits,
    replayProtection: settings.replayProtection ?? CONFIG_DEFAULTS.replayProtection,
    replayJournalDir: settings.replayJournalDir,
    forwardAuth: settings.forwardAuth ?? { verifySignature: CONFIG_DEFAULTS.verifySignature },
    gateway: settings.gateway ?? { routes: [], upstreamTimeoutMs: CONFIG_DEFAULTS.upstreamTimeoutMs },
    insights: {
      simulateMaxSources: positive(
        'insights.simulateMaxSources',
        settings.insights?.simulateMaxSources ?? CONFIG_DEFAULTS.simulateMaxSources,
      ),
      recommendMaxPrefixV4: prefixLength(
        'insights.recommendMaxPrefixV4',
        settings.insights?.recommendMaxPrefixV4 ?? CONFIG_DEFAULTS.recommendMaxPrefixV4,
        WIDE_IPV4_PREFIX,
        32,
      ),
      recommendMaxPrefixV6: prefixLength(
        'insights.recommendMaxPrefixV6',
        settings.insights?.recommendMaxPrefixV6 ?? CONFIG_DEFAULTS.recommendMaxPrefixV6,
        WIDE_IPV6_PREFIX,
        128,
      ),
    },
    console: {
      enabled: settings.console?.enabled,
      idleTimeoutMinutes: positive(
        'console.idleTimeoutMinutes',
        settings.console?.idleTimeoutMinutes ?? CONFIG_DEFAULTS.consoleIdleTimeoutMinutes,
      ),
      logonMaskLimit: positive(
        'console.logonMaskLimit',
        settings.console?.logonMaskLimit ?? CONFIG_DEFAULTS.logonMaskLimit,
      ),
    },
    sync: {
      pollIntervalMs: positive('pollIntervalMs', sync.pollIntervalMs ?? CONFIG_DEFAULTS.pollIntervalMs),
      heartbeatMs: positive('heartbeatMs', sync.heartbeatMs ?? CONFIG_DEFAULTS.heartbeatMs),
      staleAfterMs: positive('staleAfterMs', sync.staleAfterMs ?? CONFIG_DEFAULTS.staleAfterMs),
      // Bounded by the housekeeping itself (a timer's limit).
      housekeepingMs: sync.housekeepingMs ?? CONFIG_DEFAULTS.housekeepingMs,
      forgetNodesAfterMs: sync.forgetNodesAfterMs ?? CONFIG_DEFAULTS.forgetNodesAfterMs,
      keyUseFlushMs: positive('keyUseFlushMs', sync.keyUseFlushMs ?? CONFIG_DEFAULTS.keyUseFlushMs),
    },
    retention: {
      days: positive('retention.days', retention.days ?? CONFIG_DEFAULTS.auditRetentionDays),
      // Bounded by the retention itself (a timer's limit).
      checkMs: retention.checkMs ?? CONFIG_DEFAULTS.retentionCheckMs,
      batchRows:
        retention.batchRows === undefined ? undefined : positive('retention.batchRows', retention.batchRows),
    },
    http: {
      hostId: http.hostId,
      maxBodyBytes: positive('maxBodyBytes', http.maxBodyBytes ?? largest),
      maxHeaderBytes: positive('maxHeaderBytes', http.maxHeaderBytes ?? largest),
      requestTimeoutMs: positive(
        'requestTimeoutMs',
        http.requestTimeoutMs ?? CONFIG_DEFAULTS.requestTimeoutMs,
      ),
      proxyHeaderTimeoutMs: positive(
        'proxyHeaderTimeoutMs',
        http.proxyHeaderTimeoutMs ?? CONFIG_DEFAULTS.proxyHeaderTimeoutMs,
      ),
      shutdownTimeoutMs: positive(
        'shutdownTimeoutMs',
        http.shutdownTimeoutMs ?? CONFIG_DEFAULTS.shutdownTimeoutMs,
      ),
    },
  };
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer`);
  return value;
}

/** As the configuration file bounds it (build-config.ts): from the widest block lint lets pass to one address. */
function prefixLength(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a prefix length from ${min} to ${max}`);
  }
  return value;
}
