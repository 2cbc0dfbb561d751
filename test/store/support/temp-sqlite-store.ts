import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KeyFenceStore, MasterKey, openStore } from '../../../src/store/index.js';

export interface TempSqliteStore {
  readonly store: KeyFenceStore;
  /** The database file, for reading rows behind the store's back. */
  readonly file: string;
  /** Closes the store and deletes its directory. */
  remove(): Promise<void>;
}

/** A store on a new SQLite file in a new temporary directory (`prefix…`), under a new master key. */
export async function tempSqliteStore(prefix: string): Promise<TempSqliteStore> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const file = join(dir, 'keyfence.db');
  const store = await openStore({ dialect: 'sqlite', file, masterKey: MasterKey.generate() });
  return {
    store,
    file,
    async remove() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
