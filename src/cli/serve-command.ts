import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { type DestinationStream, type Logger, pino } from 'pino';
import { AuditSpool } from '../audit/audit-spool.js';
import { StoreAuditSink } from '../audit/store-audit-sink.js';
import type { ConfigFlags } from '../config/build-config.js';
import { formatConfigProblem } from '../config/config-problem.js';
import type { KeyFenceConfig } from '../config/keyfence-config.js';
import { loadConfig } from '../config/load-config.js';
import { serverConfigOf } from '../config/server-config.js';
import { ALL_ACTIONS } from '../server/actions/index.js';
import { createServer, type KeyFenceServer } from '../server/keyfence-server.js';
import {
  isStoreError,
  type KeyFenceStore,
  loadMasterKey,
  MASTER_KEY_FILE_NAME,
  masterKeySource,
  openStore,
} from '../store/index.js';
import { OutageLog } from '../sync/outage-log.js';
import { DataDirInUseError, DataDirLock, HOLDER_FILE_NAME, LOCK_FILE_NAME } from './data-dir-lock.js';
import { HangupReload } from './hangup-reload.js';
import { describeError, initializeStore, locationOf } from './init-command.js';

/** Where `serve` reads its environment and writes its output; tests may redirect them. */
export interface ServeEnvironment {
  readonly env?: NodeJS.ProcessEnv;
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WritableStream;
}

const command = 'keyfence serve';

/**
 * `keyfence serve` (docs/server.md). On the first start with an empty (or missing) SQLite data
 * directory it first does what `keyfence init` does and prints the root credentials once on
 * stdout. Logs go to stderr as JSON lines; one line `listening` says where, once API calls are
 * answered. SIGTERM or SIGINT stop it gracefully; SIGHUP re-reads the TLS certificates; resolves
 * with the exit code.
 */
export async function runServe(flags: ConfigFlags, environment: ServeEnvironment = {}): Promise<number> {
  const hangup = new HangupReload();
  try {
    return await serve(flags, environment, hangup);
  } finally {
    hangup.dispose();
  }
}

async function serve(
  flags: ConfigFlags,
  environment: ServeEnvironment,
  hangup: HangupReload,
): Promise<number> {
  const stdout = environment.stdout ?? process.stdout;
  const stderr = environment.stderr ?? process.stderr;
  const env = environment.env ?? process.env;
  const loaded = await loadConfig(flags, env);
  if (!loaded.ok) {
    for (const problem of loaded.error) stderr.write(`${command}: ${formatConfigProblem(problem)}\n`);
    return 1;
  }
  const settings = loaded.value;
  const log = pino({ base: { pid: process.pid } }, stderr as DestinationStream);

  // Before anything in the folder is read or written: a second node on it must change nothing.
  let locks: DataDirLock[];
  try {
    locks = await lockOwnedFolders(settings);
  } catch (error) {
    if (error instanceof DataDirInUseError)
      log.fatal({ dataDir: error.dir, holder: error.holder }, error.message);
    else log.fatal({ dataDir: settings.dataDir, error: describeError(error) }, 'cannot lock the data folder');
    return 1;
  }
  try {
    return await openAndServe(settings, env, stdout, log, hangup);
  } finally {
    for (const lock of locks) await lock.release();
  }
}

/** The data folder, and the audit spool's folder when it is elsewhere: what this node owns. */
async function lockOwnedFolders(settings: KeyFenceConfig): Promise<DataDirLock[]> {
  const locks = [await DataDirLock.acquire(settings.dataDir, settings.nodeId)];
  const spoolPath = relative(settings.dataDir, settings.audit.spoolDir);
  if (spoolPath.startsWith('..') || isAbsolute(spoolPath)) {
    try {
      locks.push(await DataDirLock.acquire(settings.audit.spoolDir, settings.nodeId));
    } catch (error) {
      await locks[0]!.release();
      throw error;
    }
  }
  return locks;
}

async function openAndServe(
  settings: KeyFenceConfig,
  env: NodeJS.ProcessEnv,
  stdout: NodeJS.WritableStream,
  log: Logger,
  hangup: HangupReload,
): Promise<number> {
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

  return serveUntilSignalled(settings, store, log, hangup);
}

async function serveUntilSignalled(
  settings: KeyFenceConfig,
  store: KeyFenceStore,
  log: Logger,
  hangup: HangupReload,
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
  // One for the server and the audit sink: an outage is logged once, not once by each.
  const outageLog = new OutageLog({ log });
  const auditSink = new StoreAuditSink(store, {
    spool,
    coalesce: settings.audit.coalesce,
    strict: settings.audit.durability === 'strict',
    onError: (error, batch) => {
      // Events lost are always worth a line; a batch kept for the next attempt is the outage's.
      if (batch.givenUp || !isStoreError(error, 'Store.Database')) {
        log.error({ error: describeError(error), ...batch }, 'writing audit events failed');
      } else outageLog.failed('writing audit events failed', error);
    },
  });
  let server: KeyFenceServer;
  try {
    server = createServer({
      config: serverConfigOf(settings),
      store,
      actions: ALL_ACTIONS,
      auditSink,
      logger: log,
      outageLog,
    });
  } catch (error) {
    // The replay journal could not be read back, or an option was refused: nothing is served.
    log.fatal({ error: describeError(error) }, 'cannot start the server');
    await auditSink.close();
    await store.close();
    return 1;
  }
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
      const addresses = await server.start(settings.listeners);
      log.info(
        {
          address: addresses[0],
          listeners: settings.listeners.map((listener, i) => ({
            address: addresses[i],
            role: listener.role,
            proxyProtocol: listener.proxyProtocol,
            tls: listener.tls !== undefined,
            ...(listener.vpcEndpointOf === undefined ? {} : { vpcEndpointOf: listener.vpcEndpointOf }),
          })),
          nodeId: settings.nodeId,
          appliedVersion: server.appliedVersion,
          store: locationOf(settings.database),
          trustedProxies: settings.trustedProxies.size,
          vpcEndpoints: settings.vpcEndpoints.size,
          exemptServices: settings.exemptServices,
        },
        'listening',
      );
      // After the listening line, so that whoever reads the log finds the link where it starts.
      for (const link of await server.issueConsoleSetupLinks()) {
        log.info({ accountId: link.accountId }, `Console: ${link.url}`);
      }
      hangup.serve(server);
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

/** True when `dir` does not exist or holds nothing but this node's lock: a first start. */
async function isEmptyDirectory(dir: string): Promise<boolean> {
  try {
    if (!(await stat(dir)).isDirectory()) return false;
    return (await readdir(dir)).every((name) => name === LOCK_FILE_NAME || name === HOLDER_FILE_NAME);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}
