import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { KeyFenceError } from '../common/keyfence-error.js';
import { makePrivateDir } from '../common/private-files.js';
import { CONFIG_DEFAULTS } from '../config/config-defaults.js';
import {
  createMasterKeyFile,
  type KeyFenceStore,
  loadMasterKey,
  MASTER_KEY_FILE_NAME,
  MasterKey,
  masterKeySource,
  openStore,
  readMasterKeyFile,
  SQLITE_FILE_NAME,
  type StoreConfig,
  StoreError,
} from '../store/index.js';

export interface InitOptions {
  /** Data directory: holds the SQLite database and the master key file. Default `./keyfence-data`. */
  readonly data?: string;
  /** Use this PostgreSQL database instead of SQLite (the data directory then only holds the key file). */
  readonly databaseUrl?: string;
  /** Where the master key file is read or created; default `<data>/master.key`. */
  readonly masterKeyFile?: string;
  /** Where `KEYFENCE_MASTER_KEY` is looked up; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const DEFAULT_DATA_DIR = CONFIG_DEFAULTS.dataDir;
const command = 'keyfence init';

/** The root credentials `keyfence init` prints: the only time the secret is shown. */
export interface RootCredentials {
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
}

export type InitOutcome =
  | { readonly kind: 'created'; readonly credentials: RootCredentials }
  /** The store already has an account; nothing was changed. `location` names it (password redacted). */
  | { readonly kind: 'already-initialized'; readonly location: string };

/**
 * `keyfence init` (docs/store.md): creates the store, the master key and a first account with its
 * root AccessKey, and prints `{"accountId","accessKeyId","accessKeySecret"}` as the only output
 * on stdout. On a store that already has an account it changes nothing and exits with 1.
 */
export async function runInit(options: InitOptions = {}): Promise<CommandResult> {
  try {
    const outcome = await initializeStore(options);
    if (outcome.kind === 'already-initialized') return alreadyInitialized(outcome.location);
    return { exitCode: 0, stdout: `${JSON.stringify(outcome.credentials)}\n`, stderr: '' };
  } catch (error) {
    return { exitCode: 1, stdout: '', stderr: `${command}: ${describeError(error)}\n` };
  }
}

/**
 * What `keyfence init` does, for `init` and for `serve`'s first start: creates the store, the
 * master key and the first account with its root AccessKey, unless the store already has an
 * account. Any other failure is thrown.
 */
export async function initializeStore(options: InitOptions = {}): Promise<InitOutcome> {
  const env = options.env ?? process.env;
  const dataDir = resolve(options.data ?? DEFAULT_DATA_DIR);
  const database: StoreConfig =
    options.databaseUrl === undefined
      ? { dialect: 'sqlite', file: join(dataDir, SQLITE_FILE_NAME) }
      : { dialect: 'postgres', connectionString: options.databaseUrl };
  const location = locationOf(database);
  const keySource = masterKeySource(
    env,
    resolve(options.masterKeyFile ?? join(dataDir, MASTER_KEY_FILE_NAME)),
  );
  try {
    if (database.dialect === 'sqlite') await makePrivateDir(dataDir);
    // Checked before the key is touched, so that a second run changes nothing at all.
    if (await hasAccount(database)) return { kind: 'already-initialized', location };

    const masterKey =
      keySource.kind === 'file' && !(await exists(keySource.path))
        ? await createOrReadKeyFile(keySource.path)
        : await loadMasterKey(keySource, env);

    const store = await openStore({ ...database, masterKey });
    try {
      const credentials = await store.write(async (tx) => {
        // Checked again under the write lock: another `init` may have run in between.
        if ((await tx.listAccounts({ limit: 1 })).length > 0) {
          throw new StoreError('Store.AlreadyInitialized');
        }
        const account = await tx.createAccount();
        const key = await tx.createAccessKey(account.accountId);
        return {
          accountId: account.accountId,
          accessKeyId: key.accessKeyId,
          accessKeySecret: key.accessKeySecret,
        };
      });
      return { kind: 'created', credentials };
    } finally {
      await store.close();
    }
  } catch (error) {
    if (error instanceof StoreError && error.code === 'Store.AlreadyInitialized') {
      return { kind: 'already-initialized', location };
    }
    throw error;
  }
}

/**
 * The new key file is kept even if this run fails: a concurrent `init` may already have read it
 * and sealed the first secret with it, and an unused key does no harm (the next run reuses it).
 * If a concurrent `init` created the file first, its key is the one to use.
 */
async function createOrReadKeyFile(path: string): Promise<MasterKey> {
  const masterKey = MasterKey.generate();
  await makePrivateDir(dirname(path));
  try {
    await createMasterKeyFile(path, masterKey);
    return masterKey;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readMasterKeyFile(path);
    throw error;
  }
}

async function hasAccount(database: StoreConfig): Promise<boolean> {
  const store: KeyFenceStore = await openStore(database);
  try {
    return (await store.listAccounts({ limit: 1 })).length > 0;
  } finally {
    await store.close();
  }
}

function alreadyInitialized(location: string): CommandResult {
  return {
    exitCode: 1,
    stdout: '',
    stderr: `${command}: the store at ${location} is already initialized (it has an account); nothing was changed.\n`,
  };
}

/** A failure as one line for the command line: the message, the entity concerned and the cause. */
export function describeError(error: unknown): string {
  if (!(error instanceof KeyFenceError)) return error instanceof Error ? error.message : String(error);
  const subject = error instanceof StoreError && error.subject !== undefined ? ` (${error.subject})` : '';
  // A database error's cause says what went wrong (connection refused, disk full, ...).
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${subject}${cause}`;
}

/** Where a store lives, fit for logs and messages: the SQLite file, or the URL without its password. */
export function locationOf(database: StoreConfig): string {
  return database.dialect === 'sqlite' ? database.file : redactUrl(database.connectionString);
}

/** A database URL fit for logs and messages: the password masked. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the given PostgreSQL database';
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
