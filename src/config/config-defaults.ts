import type { PolicyLimits } from '../policy/policy-limits.js';

/** The defaults of docs/configuration.md, where a key is left out, and of the server's own limits. */
export const CONFIG_DEFAULTS = Object.freeze({
  dataDir: './keyfence-data',
  listen: '127.0.0.1:8080',
  verifySignature: true,
  replayProtection: 'store',
  /** Under the data directory: where a SQLite node journals signature nonces. */
  replayJournalDirName: 'replay-nonces',
  upstreamTimeoutMs: 30_000,
  pollIntervalMs: 1000,
  heartbeatMs: 1000,
  staleAfterMs: 5000,
  /** How often a node deletes expired STS credentials, old nonces and long-silent node rows. */
  housekeepingMs: 10 * 60_000,
  /** A node status row not written for this long is deleted. */
  forgetNodesAfterMs: 7 * 24 * 60 * 60_000,
  /** How often AccessKey last uses collected in memory are written. */
  keyUseFlushMs: 1000,
  /** How long a graceful stop lets in-flight requests finish before cutting connections. */
  shutdownTimeoutMs: 10_000,
  /** How long a client may take to send a whole request. */
  requestTimeoutMs: 30_000,
  /** How long a connection on a PROXY-protocol listener may take to send its header. */
  proxyHeaderTimeoutMs: 5000,
  /** Under the data directory. */
  spoolDirName: 'audit-spool',
  spoolMaxBytes: 256 * 1024 * 1024,
  auditCoalesce: true,
  auditDurability: 'async',
  auditRetentionDays: 90,
  /** How often a node asks whether today's retention pass is due (docs/audit.md, "Retention"). */
  retentionCheckMs: 10 * 60_000,
  /**
   * Rows one retention statement deletes, per database: a SQLite batch holds the process's write
   * turn (about 60 µs a row with its index entries and the commit: 100 rows, some 6 ms, which
   * every other write waits out), a PostgreSQL one locks only its rows.
   */
  retentionBatchRows: Object.freeze({ sqlite: 100, postgres: 5000 }),
  /** `insights.simulateMaxSources`: distinct (key, source, VPC) one simulation decides. */
  simulateMaxSources: 10_000,
  /** The widest block RecommendAccessKeyPolicy aggregates sources into, per family. */
  recommendMaxPrefixV4: 16,
  recommendMaxPrefixV6: 48,
  /** `console.idleTimeoutMinutes`: a console session unused this long is over. */
  consoleIdleTimeoutMinutes: 30,
  /** `console.logonMaskLimit`: masks in an account's `LoginNetworkMasks`. */
  logonMaskLimit: 40,
});

/**
 * The default largest request body and head: the SDKs put every parameter in the query
 * (openapi-core) or a form body (pop-core), so either must hold the largest valid
 * AccessKeyPolicy, percent-encoded (at most three bytes per byte), with room for the other
 * parameters and the headers.
 */
export function largestRequest(limits: PolicyLimits): number {
  return 3 * limits.maxDocumentBytes + 16 * 1024;
}
