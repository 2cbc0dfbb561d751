/** The defaults of docs/configuration.md, where a key is left out. */
export const CONFIG_DEFAULTS = Object.freeze({
  dataDir: './keyfence-data',
  listen: '127.0.0.1:8080',
  verifySignature: true,
  replayProtection: 'store',
  upstreamTimeoutMs: 30_000,
  pollIntervalMs: 1000,
  heartbeatMs: 1000,
  staleAfterMs: 5000,
  /** Under the data directory. */
  spoolDirName: 'audit-spool',
  spoolMaxBytes: 256 * 1024 * 1024,
  auditCoalesce: true,
  auditDurability: 'async',
});
