import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isPostgresUrl } from '../config/build-config.js';
import { type KeyFenceStore, openStore, SQLITE_FILE_NAME, type StoreConfig } from '../store/index.js';
import { DEFAULT_DATA_DIR, describeError, locationOf } from './init-command.js';

/** `--data DIR` (SQLite in it) or `--database-url URL` (PostgreSQL), as the host commands take them. */
export interface LocalStoreOptions {
  readonly data?: string | undefined;
  readonly databaseUrl?: string | undefined;
}

/**
 * The store itself, opened on the host without a server in between (so no network rule stands
 * in the way) and without the master key: the commands that use it reveal no secret. Throws an
 * Error whose message is fit for the command's stderr.
 */
export async function openLocalStore(options: LocalStoreOptions): Promise<KeyFenceStore> {
  let database: StoreConfig;
  if (options.databaseUrl !== undefined) {
    if (!isPostgresUrl(options.databaseUrl)) {
      throw new Error('--database-url: expected a postgres:// or postgresql:// URL');
    }
    database = { dialect: 'postgres', connectionString: options.databaseUrl };
  } else {
    const file = join(resolve(options.data ?? DEFAULT_DATA_DIR), SQLITE_FILE_NAME);
    // Opening a missing SQLite file would create an empty store.
    const found = await stat(file).catch(() => undefined);
    if (!found?.isFile()) throw new Error(`there is no store at ${file} (see --data, --database-url)`);
    database = { dialect: 'sqlite', file };
  }
  try {
    return await openStore(database);
  } catch (error) {
    throw new Error(`cannot open the store at ${locationOf(database)}: ${describeError(error)}`);
  }
}
