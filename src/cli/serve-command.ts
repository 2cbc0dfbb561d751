import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type DestinationStream, type Logger, pino } from 'pino';
import { StoreAuditSink } from '../audit/audit-sink.js';
import { AuditSpool } from '../audit/audit-spool.js';
import { err, ok, type Result } from '../common/result.js';
import type { AuditConfig } from '../config/keyfence-config.js';
import { ACTIONTRAIL_ACTIONS } from '../server/actions/actiontrail/index.js';
import { ALL_ACTIONS } from '../server/actions/index.js';
import { createServer } from '../server/http/keyfence-server.js';
import { type ListenAddress, parseListenAddress } from '../server/http/listen-address.js';
import { TrustedProxies } from '../server/source/trusted-proxies.js';
import {
  type KeyFenceStore,
  loadMasterKey,
  MASTER_KEY_FILE_NAME,
  masterKeySource,
  openStore,
  SQLITE_FILE_NAME,
  type StoreConfig,
} from '../store/index.js';
import { defaultNodeId } from '../sync/node-id.js';
import { DEFAULT_DATA_DIR, describeError, initializeStore, locationOf } from './init-command.js';

export const DEFAULT_LISTEN = '127.0.0.1:8080';

/** The flags of `keyfence serve`, as given. */
export interface ServeFlags {
  readonly data?: string | undefined;
  readonly databaseUrl?: string | undefined;
  readonly listen?: string | undefined;
  readonly trustedProxy?: readonly string[] | undefined;
  readonly exemptService?: readonly string[] | undefined;
}

/** The flags, validated. */
export interface ServeSettings {
  readonly dataDir: string;
  readonly database: StoreConfig;
  readonly listen: ListenAddress;
  readonly trustedProxies: TrustedProxies;
  readonly exemptServices: readonly string[];
  /** Where audit events wait while the store is unreachable (docs/fail-static.md). */
  readonly audit: AuditConfig;
  /** With no successful store read for this long, `/readyz` reports the node stale. */
  readonly staleAfterMs: number;
}

/** The audit spool's bound unless configured: 256 MiB. */
export const DEFAULT_SPOOL_MAX_BYTES = 256 * 1024 * 1024;
export const DEFAULT_STALE_AFTER_MS = 5000;

/** Where `serve` reads its environment and writes its output; tests may redirect them. */
export interface ServeEnvironment {
  readonly env?: NodeJS.ProcessEnv;
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WritableStream;
}

const command = 'keyfence serve';
const serviceCode = /^[a-z][a-z0-9-]{0,62}$/;

/** Checks every flag and reports every problem at once, each as a sentence naming its flag. */
export function parseServeFlags(flags: ServeFlags): Result<ServeSettings, string[]> {
  const problems: string[] = [];
  const dataDir = resolve(flags.data ?? DEFAULT_DATA_DIR);
  if (flags.data === '') problems.push('--data: the data directory must not be empty');

  let database: StoreConfig = { dialect: 'sqlite', file: join(dataDir, SQLITE_FILE_NAME) };
  if (flags.databaseUrl !== undefined) {
    if (isPostgresUrl(flags.databaseUrl))
      database = { dialect: 'postgres', connectionString: flags.databaseUrl };
    else problems.push('--database-url: expected a postgres:// or postgresql:// URL');
  }

  const listen = parseListenAddress(flags.listen ?? DEFAULT_LISTEN);
  if (!listen.ok) problems.push(`--listen: ${listen.error}`);

  const proxies = TrustedProxies.parse(flags.trustedProxy ?? []);
  if (!proxies.ok) for (const problem of proxies.error) problems.push(`--trusted-proxy: ${problem.message}`);

  const exemptServices: string[] = [];
  for (const service of flags.exemptService ?? []) {
    const code = service.toLowerCase();
    if (serviceCode.test(code)) exemptServices.push(code);
    else
      problems.push(`--exempt-service: ${JSON.stringify(service)} is not a service code such as ims or sts`);
  }

  if (problems.length > 0 || !listen.ok || !proxies.ok) return err(problems);
  return ok({
    dataDir,
    database,
    listen: listen.value,
    trustedProxies: proxies.value,
    exemptServices,
    audit: { spoolDir: join(dataDir, 'audit-spool'), spoolMaxBytes: DEFAULT_SPOOL_MAX_BYTES },
    staleAfterMs: DEFAULT_STALE_AFTER_MS,
  });
}

export function isPostgresUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'postgres:' || url.protocol === 'postgresql:';
  } catch {
    return false;
  }
}

/**
 * `keyfence serve` (DESIGN.md §6). On the first start with an empty (or missing) SQLite data
 * directory it first does what `keyfence init` does and prints the root credentials once on
 * stdout. Logs go to stderr as JSON lines; one line `listening` says where, once API calls are
 * answered. SIGTERM or SIGINT stop it gracefully; resolves with the exit code.
 */
export async function runServe(flags: ServeFlags, environment: ServeEnvironment = {}): Promise<number> {
  const stdout = environment.stdout ?? process.stdout;
  const stderr = environment.stderr ?? process.stderr;
  const env = environment.env ?? process.env;
  const parsed = parseServeFlags(flags);
  if (!parsed.ok) {
    for (const problem of parsed.error) stderr.write(`${command}: ${problem}\n`);
    return 1;
  }
  const settings = parsed.value;
  const log = pino({ base: { pid: process.pid } }, stderr as DestinationStream);

  let store: KeyFenceStore;
  try {
    if (settings.database.dialect === 'sqlite' && (await isEmptyDirectory(settings.dataDir))) {
      const outcome = await initializeStore({ data: settings.dataDir, env });
      // The only time the root secret is shown, as `keyfence init` shows it.
      if (outcome.kind === 'created') {
        stdout.write(`${JSON.stringify(outcome.credentials)}\n`);
        log.info(
          { dataDir: settings.dataDir, accountId: outcome.credentials.accountId },
          'initialized a new store',
        );
      }
    }
    const keySource = masterKeySource(env, join(settings.dataDir, MASTER_KEY_FILE_NAME));
    store = await openStore({ ...settings.database, masterKey: await loadMasterKey(keySource, env) });
  } catch (error) {
    log.fatal({ store: locationOf(settings.database), error: describeError(error) }, 'cannot open the store');
    return 1;
  }

  try {
    if ((await store.listAccounts({ limit: 1 })).length === 0) {
      log.fatal(
        { store: locationOf(settings.database) },
        'the store has no account: run keyfence init with the same --data / --database-url first',
      );
      await store.close();
      return 1;
    }
  } catch (error) {
    log.fatal({ error: describeError(error) }, 'cannot read the store');
    await store.close();
    return 1;
  }

  return serveUntilSignalled(settings, store, log);
}

async function serveUntilSignalled(
  settings: ServeSettings,
  store: KeyFenceStore,
  log: Logger,
): Promise<number> {
  let spool: AuditSpool;
  try {
    spool = await AuditSpool.open({ dir: settings.audit.spoolDir, maxBytes: settings.audit.spoolMaxBytes });
  } catch (error) {
    log.fatal({ error: describeError(error) }, 'cannot open the audit spool');
    await store.close();
    return 1;
  }
  if (spool.waiting) {
    log.info(
      { spooledEvents: spool.counters.entries },
      'audit events spooled by an earlier run will be written',
    );
  }
  const auditSink = new StoreAuditSink(store, {
    spool,
    onError: (error, batch) =>
      log.error({ error: describeError(error), ...batch }, 'writing audit events failed'),
  });
  const server = createServer({
    store,
    actions: [...ALL_ACTIONS, ...ACTIONTRAIL_ACTIONS],
    trustedProxies: settings.trustedProxies,
    exemptServices: settings.exemptServices.map((service) => ({ service, pathPrefixes: [] })),
    auditSink,
    logger: log,
    nodeId: defaultNodeId(settings.listen.port),
    staleAfterMs: settings.staleAfterMs,
  });
  let stopRequested!: (signal: NodeJS.Signals) => void;
  const stop = new Promise<NodeJS.Signals>((resolve) => {
    stopRequested = resolve;
  });
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting without waiting for in-flight requests');
      process.exit(1);
    }
    stopping = true;
    stopRequested(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    try {
      const [address] = await server.start([
        { address: settings.listen, role: 'api', proxyProtocol: 'off', vpcEndpointOf: undefined },
      ]);
      log.info(
        {
          address,
          nodeId: server.nodeId,
          appliedVersion: server.appliedVersion,
          store: locationOf(settings.database),
          trustedProxies: settings.trustedProxies.size,
          exemptServices: settings.exemptServices,
        },
        'listening',
      );
    } catch (error) {
      log.fatal({ error: describeError(error) }, 'cannot start the server');
      await server.close();
      await auditSink.close();
      return 1;
    }
    const signal = await stop;
    log.info({ signal }, 'shutting down');
    await server.close();
    await auditSink.close();
    log.info('stopped');
    return 0;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await store.close();
  }
}

/** True when `dir` does not exist or holds nothing: a first start. */
async function isEmptyDirectory(dir: string): Promise<boolean> {
  try {
    if (!(await stat(dir)).isDirectory()) return false;
    return (await readdir(dir)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}
