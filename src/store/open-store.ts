import type { KeyFenceStore } from './keyfence-store.js';
import { KyselyStore } from './kysely-store.js';
import type { PostgresStoreConfig } from './postgres/postgres-store-config.js';
import { migrate } from './schema/migrate.js';
import type { MasterKey } from './secrets/master-key.js';
import { SecretKeeper } from './secrets/secret-keeper.js';
import type { SqliteStoreConfig } from './sqlite/sqlite-store-config.js';
import type { StoreDialect } from './store-dialect.js';
import { StoreError } from './store-error.js';
import {
  DEFAULT_MAX_ACCESS_KEYS_PER_USER,
  DEFAULT_PRINCIPAL_SUFFIX,
  type StoreSettings,
} from './store-settings.js';
import { guard } from './transaction.js';

export interface StoreOptions {
  /** Needed to create or use AccessKey and STS secrets; everything else works without it. */
  readonly masterKey?: MasterKey;
  /** Default `onaliyun.com`. */
  readonly principalSuffix?: string;
  /** Default 2, as in RAM. */
  readonly maxAccessKeysPerUser?: number;
  /** Where the store's timestamps come from; tests pass a fixed clock. */
  readonly clock?: () => Date;
}

export type StoreConfig = (SqliteStoreConfig | PostgresStoreConfig) & StoreOptions;

/**
 * Opens the database, applies pending migrations and checks that the master key (if given) is
 * the one the stored secrets were sealed with.
 */
export async function openStore(config: StoreConfig): Promise<KeyFenceStore> {
  const settings = settingsOf(config);
  let dialect: StoreDialect;
  try {
    // Loaded on demand, so that a process never loads the driver of the database it does not use.
    dialect =
      config.dialect === 'sqlite'
        ? new (await import('./sqlite/sqlite-store-dialect.js')).SqliteStoreDialect(config)
        : new (await import('./postgres/postgres-store-dialect.js')).PostgresStoreDialect(config);
  } catch (error) {
    throw new StoreError('Store.Database', config.dialect === 'sqlite' ? config.file : undefined, {
      cause: error,
    });
  }
  try {
    await migrate(dialect);
    await guard(() => settings.secrets.verify(dialect.db));
  } catch (error) {
    await dialect.close().catch(() => {});
    throw error;
  }
  return new KyselyStore(dialect, settings);
}

function settingsOf(options: StoreOptions): StoreSettings {
  const maxAccessKeysPerUser = options.maxAccessKeysPerUser ?? DEFAULT_MAX_ACCESS_KEYS_PER_USER;
  if (!Number.isInteger(maxAccessKeysPerUser) || maxAccessKeysPerUser < 1) {
    throw new StoreError('Store.InvalidConfig', 'maxAccessKeysPerUser');
  }
  const principalSuffix = options.principalSuffix ?? DEFAULT_PRINCIPAL_SUFFIX;
  if (!/^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)+$/.test(principalSuffix)) {
    throw new StoreError('Store.InvalidConfig', 'principalSuffix');
  }
  return {
    principalSuffix,
    maxAccessKeysPerUser,
    clock: options.clock ?? (() => new Date()),
    secrets: new SecretKeeper(options.masterKey),
  };
}
