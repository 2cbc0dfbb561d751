import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { PostgresStoreConfig, SqliteStoreConfig } from '../../../src/store/index.js';
import { usePostgres } from '../../support/postgres.js';

export type DatabaseConfig = SqliteStoreConfig | PostgresStoreConfig;

/** A database the store suite runs against; every `newDatabase()` is a fresh, empty one. */
export interface DialectFixture {
  readonly name: 'sqlite' | 'postgres';
  newDatabase(): Promise<DatabaseConfig>;
}

/** Call at the top level of a test file: registers the cleanup hooks for that file. */
export function useDialects(): readonly DialectFixture[] {
  const postgres = usePostgres();
  const tempDirs: string[] = [];
  after(async () => {
    for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
  });
  return [
    {
      name: 'sqlite',
      async newDatabase() {
        const dir = await mkdtemp(join(tmpdir(), 'keyfence-sqlite-'));
        tempDirs.push(dir);
        return { dialect: 'sqlite', file: join(dir, 'keyfence.db') };
      },
    },
    {
      name: 'postgres',
      async newDatabase() {
        return { dialect: 'postgres', connectionString: await postgres.createSchema() };
      },
    },
  ];
}
