import { join, resolve } from 'node:path';
import { z } from 'zod';
import { MAX_MILLISECONDS } from '../common/max-milliseconds.js';
import { WIDE_IPV4_PREFIX, WIDE_IPV6_PREFIX } from '../policy/lint-entry.js';
import { DEFAULT_POLICY_LIMITS, type PolicyLimits, parsePolicyLimits } from '../policy/policy-limits.js';
import { FORWARDED_HEADERS } from '../request/source/trusted-proxies.js';
import { SQLITE_FILE_NAME, type StoreConfig } from '../store/index.js';
import { CONFIG_DEFAULTS } from './config-defaults.js';
import {
  check,
  choice,
  firstGiven,
  flag,
  isRecord,
  keyPath,
  matching,
  type Problems,
  type Setting,
  section,
  shown,
  text,
  unlessProblemsIn,
  wholeNumber,
} from './config-values.js';
import { readExemptServices } from './exempt-services-config.js';
import { gateway } from './gateway-config.js';
import {
  AUDIT_DURABILITIES,
  type KeyFenceConfig,
  MAX_AUDIT_RETENTION_DAYS,
  MAX_LOGON_MASK_LIMIT,
  REPLAY_PROTECTIONS,
} from './keyfence-config.js';
import { readListeners } from './listeners-config.js';
import { readTrustedProxies, vpcEndpoints } from './network-config.js';
import { defaultNodeId } from './node-id.js';

/** The flags of `keyfence serve` that configure it, as given (absent when not given). */
export interface ConfigFlags {
  readonly config?: string | undefined;
  readonly data?: string | undefined;
  readonly databaseUrl?: string | undefined;
  readonly listen?: string | undefined;
  readonly tlsCert?: string | undefined;
  readonly tlsKey?: string | undefined;
  readonly nodeId?: string | undefined;
  /** Repeatable; empty means not given. */
  readonly trustedProxy?: readonly string[] | undefined;
  readonly exemptService?: readonly string[] | undefined;
}

/** Everything a configuration is built from, in rising precedence: file, environment, flags. */
export interface ConfigLayers {
  /** The parsed file, when there is one. */
  readonly file: unknown;
  readonly env: NodeJS.ProcessEnv;
  readonly flags: ConfigFlags;
  /** This machine's name, for the default node ID. */
  readonly hostname: string;
}

const FILE_KEYS = [
  'data',
  'databaseUrl',
  'nodeId',
  'listen',
  'listeners',
  'trustedProxies',
  'forwardedHeader',
  'vpcEndpoints',
  'exemptServices',
  'policyLimits',
  'replayProtection',
  'forwardAuth',
  'gateway',
  'sync',
  'audit',
  'insights',
  'console',
] as const;

/** The file's top level: each key is checked on its own below, where its other sources are. */
const fileKeys = section(Object.fromEntries(FILE_KEYS.map((key) => [key, z.unknown().optional()])));

const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const nodeId = matching(
  (id) => NODE_ID.test(id),
  (id) => `${shown(id)} is not a node ID: letters, digits, . _ - (at most 128)`,
);

const postgresUrl = text()
  // Not echoed: a database URL carries its password.
  .refine(isPostgresUrl, { error: 'expected a postgres:// or postgresql:// URL' })
  .transform((url): StoreConfig => ({ dialect: 'postgres', connectionString: url }));

const forwardAuth = section({
  verifySignature: flag().default(CONFIG_DEFAULTS.verifySignature),
}).prefault({});

const milliseconds = wholeNumber(MAX_MILLISECONDS);

const sync = section({
  pollIntervalMs: milliseconds.default(CONFIG_DEFAULTS.pollIntervalMs),
  heartbeatMs: milliseconds.default(CONFIG_DEFAULTS.heartbeatMs),
  staleAfterMs: milliseconds.default(CONFIG_DEFAULTS.staleAfterMs),
})
  .refine((sync) => sync.staleAfterMs > sync.pollIntervalMs, {
    ...unlessProblemsIn('pollIntervalMs', 'staleAfterMs'),
    path: ['staleAfterMs'],
    error: (issue) =>
      `must be longer than sync.pollIntervalMs (${(issue.input as { pollIntervalMs: number }).pollIntervalMs}), or every node is always stale`,
  })
  .prefault({});

/** `audit`; its spool directory defaults to one under the data directory. */
const audit = section({
  spoolDir: text()
    .transform((dir) => resolve(dir))
    .optional(),
  spoolMaxBytes: wholeNumber().default(CONFIG_DEFAULTS.spoolMaxBytes),
  coalesce: flag().default(CONFIG_DEFAULTS.auditCoalesce),
  durability: choice(AUDIT_DURABILITIES).default(CONFIG_DEFAULTS.auditDurability),
  retentionDays: wholeNumber(MAX_AUDIT_RETENTION_DAYS).default(CONFIG_DEFAULTS.auditRetentionDays),
}).prefault({});

/** A prefix length from `min` (wider entries draw a lint warning) to the family's width. */
function prefixLength(min: number, max: number) {
  const error = (issue: { input?: unknown }) =>
    `expected a prefix length from ${min} to ${max}, got ${shown(issue.input)}`;
  return z.number({ error }).refine((n) => Number.isSafeInteger(n) && n >= min && n <= max, { error });
}

/** `insights`: the analysis actions over the audit data. */
const insights = section({
  simulateMaxSources: wholeNumber().default(CONFIG_DEFAULTS.simulateMaxSources),
  recommendMaxPrefixV4: prefixLength(WIDE_IPV4_PREFIX, 32).default(CONFIG_DEFAULTS.recommendMaxPrefixV4),
  recommendMaxPrefixV6: prefixLength(WIDE_IPV6_PREFIX, 128).default(CONFIG_DEFAULTS.recommendMaxPrefixV6),
}).prefault({});

/** A console session's idle limit: a day at most, the longest a session lasts anyway. */
const MAX_CONSOLE_IDLE_MINUTES = 24 * 60;

/** `console`: the web console: where it is served, how long an unused session lasts, logon masks. */
const consoleSection = section({
  enabled: flag().optional(),
  idleTimeoutMinutes: wholeNumber(MAX_CONSOLE_IDLE_MINUTES).default(
    CONFIG_DEFAULTS.consoleIdleTimeoutMinutes,
  ),
  logonMaskLimit: wholeNumber(MAX_LOGON_MASK_LIMIT).default(CONFIG_DEFAULTS.logonMaskLimit),
})
  .transform(({ enabled, idleTimeoutMinutes, logonMaskLimit }) => ({
    enabled,
    idleTimeoutMinutes,
    logonMaskLimit,
  }))
  .prefault({});

/**
 * Validates every setting into a KeyFenceConfig, recording every problem found (not just the
 * first) in `problems`; undefined when there is any. Each setting is checked from its winning
 * source only, in the order below, so that the problems come out in the order of the settings.
 */
export function buildConfig(layers: ConfigLayers, problems: Problems): KeyFenceConfig | undefined {
  const { env, flags } = layers;
  if (layers.file !== undefined) check(fileKeys, { value: layers.file, path: '' }, problems);
  const file = isRecord(layers.file) ? layers.file : {};
  const fromFile = (key: (typeof FILE_KEYS)[number]): Setting | undefined =>
    file[key] === undefined ? undefined : { value: file[key], path: key, indexed: true };
  const fromEnv = (name: string): Setting | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : { value, path: name };
  };
  const fromFlag = (value: unknown, name: string): Setting | undefined =>
    value === undefined ? undefined : { value, path: name };
  const fromListFlag = (value: readonly string[] | undefined, name: string): Setting | undefined =>
    value === undefined || value.length === 0 ? undefined : { value, path: name };
  /** A key only the file gives: its default when absent. */
  const fileSection = <T>(key: (typeof FILE_KEYS)[number], schema: z.ZodType<T>): T | undefined =>
    check(schema, { value: file[key], path: key, indexed: true }, problems);

  const dataSetting = firstGiven(fromFlag(flags.data, '--data'), fromEnv('KEYFENCE_DATA'), fromFile('data'));
  const dataText = dataSetting === undefined ? CONFIG_DEFAULTS.dataDir : check(text(), dataSetting, problems);
  const dataDir = resolve(dataText ?? CONFIG_DEFAULTS.dataDir);

  const urlSetting = firstGiven(
    fromFlag(flags.databaseUrl, '--database-url'),
    fromEnv('KEYFENCE_DATABASE_URL'),
    fromFile('databaseUrl'),
  );
  const database: StoreConfig | undefined =
    urlSetting === undefined
      ? { dialect: 'sqlite', file: join(dataDir, SQLITE_FILE_NAME) }
      : check(postgresUrl, urlSetting, problems);

  const listeners = readListeners(
    {
      fileListen: fromFile('listen'),
      fileListeners: fromFile('listeners'),
      override: firstGiven(fromFlag(flags.listen, '--listen'), fromEnv('KEYFENCE_LISTEN')),
      tlsCert: firstGiven(fromFlag(flags.tlsCert, '--tls-cert'), fromEnv('KEYFENCE_TLS_CERT')),
      tlsKey: firstGiven(fromFlag(flags.tlsKey, '--tls-key'), fromEnv('KEYFENCE_TLS_KEY')),
    },
    problems,
  );

  const nodeSetting = firstGiven(
    fromFlag(flags.nodeId, '--node-id'),
    fromEnv('KEYFENCE_NODE_ID'),
    fromFile('nodeId'),
  );
  const givenNodeId = nodeSetting === undefined ? undefined : check(nodeId, nodeSetting, problems);

  const envProxies = fromEnv('KEYFENCE_TRUSTED_PROXIES');
  const trustedProxies = readTrustedProxies(
    firstGiven(
      fromListFlag(flags.trustedProxy, '--trusted-proxy'),
      envProxies && {
        ...envProxies,
        value: String(envProxies.value)
          .split(',')
          .map((entry) => entry.trim()),
      },
      fromFile('trustedProxies'),
    ),
    fileSection('forwardedHeader', choice(FORWARDED_HEADERS).default('x-forwarded-for')) ?? 'x-forwarded-for',
    problems,
  );
  const endpoints = fileSection('vpcEndpoints', vpcEndpoints.default(new Map()));
  const exemptServices = readExemptServices(
    firstGiven(fromListFlag(flags.exemptService, '--exempt-service'), fromFile('exemptServices')),
    problems,
  );
  const policyLimits = readPolicyLimits(file.policyLimits, problems);
  const replayProtection = fileSection(
    'replayProtection',
    choice(REPLAY_PROTECTIONS).default(CONFIG_DEFAULTS.replayProtection),
  );
  const forwardAuthConfig = fileSection('forwardAuth', forwardAuth);
  const gatewayConfig = fileSection('gateway', gateway);
  const syncConfig = fileSection('sync', sync);
  const auditConfig = fileSection('audit', audit);
  const insightsConfig = fileSection('insights', insights);
  const consoleConfig = fileSection('console', consoleSection);

  // As given: reported even when the gateway has other problems.
  const routes = isRecord(file.gateway) ? (file.gateway.routes ?? []) : [];
  if (Array.isArray(routes) && routes.length === 0 && listeners?.some((l) => l.role === 'gateway')) {
    problems.add('Config.Missing', 'gateway.routes', 'a gateway listener needs at least one route');
  }
  if (
    problems.list.length > 0 ||
    database === undefined ||
    listeners === undefined ||
    trustedProxies === undefined ||
    endpoints === undefined ||
    replayProtection === undefined ||
    forwardAuthConfig === undefined ||
    gatewayConfig === undefined ||
    syncConfig === undefined ||
    auditConfig === undefined ||
    insightsConfig === undefined ||
    consoleConfig === undefined
  ) {
    return undefined;
  }
  return {
    dataDir,
    database,
    nodeId: givenNodeId ?? defaultNodeId(listeners[0]!.address.port, layers.hostname),
    listeners,
    trustedProxies,
    vpcEndpoints: endpoints,
    exemptServices,
    policyLimits,
    replayProtection,
    forwardAuth: forwardAuthConfig,
    gateway: gatewayConfig,
    sync: syncConfig,
    audit: { spoolDir: join(dataDir, CONFIG_DEFAULTS.spoolDirName), ...auditConfig },
    insights: insightsConfig,
    console: consoleConfig,
  };
}

export function isPostgresUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'postgres:' || url.protocol === 'postgresql:';
  } catch {
    return false;
  }
}

// Checked by the policy module, which owns the limits and their messages.
function readPolicyLimits(value: unknown, problems: Problems): PolicyLimits {
  if (value === undefined) return DEFAULT_POLICY_LIMITS;
  const parsed = parsePolicyLimits(value);
  if (parsed.ok) return parsed.value;
  for (const problem of parsed.error) {
    const path = problem.field === undefined ? 'policyLimits' : keyPath('policyLimits', problem.field);
    problems.add(
      problem.code === 'PolicyLimits.UnknownField' ? 'Config.UnknownKey' : 'Config.InvalidValue',
      path,
      problem.message,
    );
  }
  return DEFAULT_POLICY_LIMITS;
}
