import { join, resolve } from 'node:path';
import { MAX_MILLISECONDS } from '../common/max-milliseconds.js';
import { DEFAULT_POLICY_LIMITS, type PolicyLimits, parsePolicyLimits } from '../policy/policy-limits.js';
import { FORWARDED_HEADERS } from '../request/source/trusted-proxies.js';
import { SQLITE_FILE_NAME, type StoreConfig } from '../store/index.js';
import { CONFIG_DEFAULTS } from './config-defaults.js';
import {
  firstGiven,
  keyPath,
  type Problems,
  readBoolean,
  readChoice,
  readObject,
  readPositiveInteger,
  readString,
  type Setting,
  shown,
} from './config-values.js';
import { readExemptServices } from './exempt-services-config.js';
import { readGateway } from './gateway-config.js';
import {
  AUDIT_DURABILITIES,
  type AuditConfig,
  type ForwardAuthConfig,
  type KeyFenceConfig,
  REPLAY_PROTECTIONS,
  type SyncConfig,
} from './keyfence-config.js';
import { readListeners } from './listeners-config.js';
import { readTrustedProxies, readVpcEndpoints } from './network-config.js';
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
] as const;

const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Validates every setting into a KeyFenceConfig, recording every problem found (not just the
 * first) in `problems`; undefined when there is any.
 */
export function buildConfig(layers: ConfigLayers, problems: Problems): KeyFenceConfig | undefined {
  const { env, flags } = layers;
  const file = (layers.file === undefined ? {} : readObject(layers.file, '', FILE_KEYS, problems)) ?? {};
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

  const dataSetting = firstGiven(fromFlag(flags.data, '--data'), fromEnv('KEYFENCE_DATA'), fromFile('data'));
  const dataText =
    dataSetting === undefined
      ? CONFIG_DEFAULTS.dataDir
      : readString(dataSetting.value, dataSetting.path, problems);
  const dataDir = resolve(dataText ?? CONFIG_DEFAULTS.dataDir);

  const urlSetting = firstGiven(
    fromFlag(flags.databaseUrl, '--database-url'),
    fromEnv('KEYFENCE_DATABASE_URL'),
    fromFile('databaseUrl'),
  );
  const database = readDatabase(urlSetting, dataDir, problems);

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
  const nodeId = nodeSetting === undefined ? undefined : readNodeId(nodeSetting, problems);

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
    file.forwardedHeader === undefined
      ? 'x-forwarded-for'
      : (readChoice(file.forwardedHeader, 'forwardedHeader', FORWARDED_HEADERS, problems) ??
          'x-forwarded-for'),
    problems,
  );
  const vpcEndpoints = readVpcEndpoints(file.vpcEndpoints, problems);
  const exemptServices = readExemptServices(
    firstGiven(fromListFlag(flags.exemptService, '--exempt-service'), fromFile('exemptServices')),
    problems,
  );
  const policyLimits = readPolicyLimits(file.policyLimits, problems);
  const replayProtection =
    file.replayProtection === undefined
      ? CONFIG_DEFAULTS.replayProtection
      : (readChoice(file.replayProtection, 'replayProtection', REPLAY_PROTECTIONS, problems) ??
        CONFIG_DEFAULTS.replayProtection);
  const forwardAuth = readForwardAuth(file.forwardAuth, problems);
  const gateway = readGateway(file.gateway, problems);
  const sync = readSync(file.sync, problems);
  const audit = readAudit(file.audit, dataDir, problems);

  if (listeners !== undefined) {
    const gatewayListener = listeners.findIndex((listener) => listener.role === 'gateway');
    if (
      gatewayListener >= 0 &&
      gateway.routes.length === 0 &&
      !problems.list.some((p) => p.path.startsWith('gateway.routes'))
    ) {
      problems.add('Config.Missing', 'gateway.routes', 'a gateway listener needs at least one route');
    }
  }
  if (
    problems.list.length > 0 ||
    database === undefined ||
    listeners === undefined ||
    trustedProxies === undefined
  ) {
    return undefined;
  }
  return {
    dataDir,
    database,
    nodeId: nodeId ?? defaultNodeId(listeners[0]!.address.port, layers.hostname),
    listeners,
    trustedProxies,
    vpcEndpoints,
    exemptServices,
    policyLimits,
    replayProtection,
    forwardAuth,
    gateway,
    sync,
    audit,
  };
}

function readDatabase(
  setting: Setting | undefined,
  dataDir: string,
  problems: Problems,
): StoreConfig | undefined {
  if (setting === undefined) return { dialect: 'sqlite', file: join(dataDir, SQLITE_FILE_NAME) };
  const text = readString(setting.value, setting.path, problems);
  if (text === undefined) return undefined;
  if (isPostgresUrl(text)) return { dialect: 'postgres', connectionString: text };
  // Not echoed: a database URL carries its password.
  return problems.invalid(setting.path, 'expected a postgres:// or postgresql:// URL');
}

export function isPostgresUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'postgres:' || url.protocol === 'postgresql:';
  } catch {
    return false;
  }
}

function readNodeId(setting: Setting, problems: Problems): string | undefined {
  const text = readString(setting.value, setting.path, problems);
  if (text === undefined || NODE_ID.test(text)) return text;
  return problems.invalid(
    setting.path,
    `${shown(text)} is not a node ID: letters, digits, . _ - (at most 128)`,
  );
}

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

function readForwardAuth(value: unknown, problems: Problems): ForwardAuthConfig {
  const defaults = { verifySignature: CONFIG_DEFAULTS.verifySignature };
  if (value === undefined) return defaults;
  const object = readObject(value, 'forwardAuth', ['verifySignature'], problems);
  if (object?.verifySignature === undefined) return defaults;
  return {
    verifySignature: readBoolean(object.verifySignature, 'forwardAuth.verifySignature', problems) ?? true,
  };
}

function readSync(value: unknown, problems: Problems): SyncConfig {
  const sync: Record<keyof SyncConfig, number> = {
    pollIntervalMs: CONFIG_DEFAULTS.pollIntervalMs,
    heartbeatMs: CONFIG_DEFAULTS.heartbeatMs,
    staleAfterMs: CONFIG_DEFAULTS.staleAfterMs,
  };
  if (value === undefined) return sync;
  const object = readObject(value, 'sync', Object.keys(sync), problems) ?? {};
  for (const key of Object.keys(sync) as (keyof SyncConfig)[]) {
    if (object[key] === undefined) continue;
    sync[key] =
      readPositiveInteger(object[key], keyPath('sync', key), problems, MAX_MILLISECONDS) ?? sync[key];
  }
  if (sync.staleAfterMs <= sync.pollIntervalMs) {
    problems.invalid(
      'sync.staleAfterMs',
      `must be longer than sync.pollIntervalMs (${sync.pollIntervalMs}), or every node is always stale`,
    );
  }
  return sync;
}

function readAudit(value: unknown, dataDir: string, problems: Problems): AuditConfig {
  const audit: { -readonly [K in keyof AuditConfig]: AuditConfig[K] } = {
    spoolDir: join(dataDir, CONFIG_DEFAULTS.spoolDirName),
    spoolMaxBytes: CONFIG_DEFAULTS.spoolMaxBytes,
    coalesce: CONFIG_DEFAULTS.auditCoalesce,
    durability: CONFIG_DEFAULTS.auditDurability,
  };
  if (value === undefined) return audit;
  const object =
    readObject(value, 'audit', ['spoolDir', 'spoolMaxBytes', 'coalesce', 'durability'], problems) ?? {};
  if (object.spoolDir !== undefined) {
    const dir = readString(object.spoolDir, 'audit.spoolDir', problems);
    if (dir !== undefined) audit.spoolDir = resolve(dir);
  }
  if (object.spoolMaxBytes !== undefined) {
    audit.spoolMaxBytes =
      readPositiveInteger(object.spoolMaxBytes, 'audit.spoolMaxBytes', problems) ?? audit.spoolMaxBytes;
  }
  if (object.coalesce !== undefined) {
    audit.coalesce = readBoolean(object.coalesce, 'audit.coalesce', problems) ?? audit.coalesce;
  }
  if (object.durability !== undefined) {
    audit.durability =
      readChoice(object.durability, 'audit.durability', AUDIT_DURABILITIES, problems) ?? audit.durability;
  }
  return audit;
}
