import assert from 'node:assert/strict';
import { after } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import {
  type AccountId,
  type KeyFenceStore,
  MasterKey,
  openStore,
  StoreError,
  type StoreErrorCode,
  type StoreOptions,
} from '../../../src/store/index.js';
import type { DatabaseConfig, DialectFixture } from './dialects.js';

export const testMasterKey = MasterKey.generate();

export interface StoreHarness {
  readonly dialect: 'sqlite' | 'postgres';
  /** A store on a new, empty database; closed after the enclosing suite. */
  fresh(options?: StoreOptions): Promise<{ store: KeyFenceStore; config: DatabaseConfig }>;
  /** Another store (another connection or pool) on an existing database. */
  open(config: DatabaseConfig, options?: StoreOptions): Promise<KeyFenceStore>;
}

/** Call inside a `describe`: the stores it opens are closed when that suite ends. */
export function storeHarness(fixture: DialectFixture): StoreHarness {
  const opened: KeyFenceStore[] = [];
  after(async () => {
    for (const store of opened.splice(0)) await store.close();
  });
  const open = async (config: DatabaseConfig, options: StoreOptions = {}): Promise<KeyFenceStore> => {
    const store = await openStore({ ...config, masterKey: testMasterKey, ...options });
    opened.push(store);
    return store;
  };
  return {
    dialect: fixture.name,
    open,
    async fresh(options) {
      const config = await fixture.newDatabase();
      return { store: await open(config, options), config };
    },
  };
}

export async function newAccount(store: KeyFenceStore): Promise<AccountId> {
  return (await store.write((tx) => tx.createAccount())).accountId;
}

export async function rejectsWith(promise: Promise<unknown>, code: StoreErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof StoreError, `expected a StoreError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

/** Rows straight from the database, bypassing the store: to see what is really stored. */
export async function rawRows(config: DatabaseConfig, query: string): Promise<Record<string, unknown>[]> {
  if (config.dialect === 'sqlite') {
    const database = new Database(config.file, { readonly: true });
    try {
      return database.prepare(query).all() as Record<string, unknown>[];
    } finally {
      database.close();
    }
  }
  const client = new pg.Client({ connectionString: config.connectionString });
  await client.connect();
  try {
    return (await client.query(query)).rows;
  } finally {
    await client.end();
  }
}
