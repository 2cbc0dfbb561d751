import type { Kysely } from 'kysely';
import type { AccountId } from '../../common/identifiers.js';
import type { StoreDatabase } from '../schema/database.js';
import type { ChangeBody } from './change-record.js';
import { toChangeRow } from './change-row.js';

// Rows per INSERT: well under SQLite's 32766 bound variables (10 columns per row).
const rowsPerInsert = 500;

/**
 * Hands out versions inside a write transaction that holds the change-log lock. The counter
 * row is read once when the lock is taken and written once before commit, so a transaction
 * appending many changes costs two counter statements, not two per change.
 */
export class ChangeLogWriter {
  readonly #db: Kysely<StoreDatabase>;
  readonly #at: number;
  readonly #lockedAt: number;
  #version: number;

  constructor(db: Kysely<StoreDatabase>, lastVersion: number, at: number) {
    this.#db = db;
    this.#lockedAt = lastVersion;
    this.#version = lastVersion;
    this.#at = at;
  }

  async append(accountId: AccountId, body: ChangeBody): Promise<number> {
    const [version] = await this.appendAll([[accountId, body]]);
    return version!;
  }

  async appendAll(changes: ReadonlyArray<readonly [AccountId, ChangeBody]>): Promise<number[]> {
    const rows = changes.map(([accountId, body]) => toChangeRow(++this.#version, this.#at, accountId, body));
    for (let start = 0; start < rows.length; start += rowsPerInsert) {
      await this.#db
        .insertInto('change_log')
        .values(rows.slice(start, start + rowsPerInsert))
        .execute();
    }
    return rows.map((row) => row.version);
  }

  /** Stores the counter; returns the last version appended, or null when nothing was. */
  async finish(): Promise<number | null> {
    if (this.#version === this.#lockedAt) return null;
    await this.#db
      .updateTable('change_counter')
      .set({ version: this.#version })
      .where('id', '=', 1)
      .execute();
    return this.#version;
  }
}
