import type { Kysely } from 'kysely';
import type { AccountId } from '../../common/identifiers.js';
import type { RootConsolePassword } from '../console-entities.js';
import type { StoreDatabase } from '../schema/database.js';
import type { WriteContext } from '../write-context.js';
import { requireAccount } from './accounts.js';

/** Undefined while the account's root has no console password (the console then offers setup). */
export async function getRootConsolePassword(
  db: Kysely<StoreDatabase>,
  accountId: AccountId,
): Promise<RootConsolePassword | undefined> {
  const row = await db
    .selectFrom('root_console_passwords')
    .selectAll()
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return { accountId, passwordHash: row.password_hash, updatedAt: new Date(row.updated_at) };
}

/** Accounts whose root has no console password yet, in ID order. */
export async function accountsWithoutRootPassword(db: Kysely<StoreDatabase>): Promise<AccountId[]> {
  const rows = await db
    .selectFrom('accounts')
    .leftJoin('root_console_passwords', 'root_console_passwords.account_id', 'accounts.account_id')
    .select('accounts.account_id')
    .where('root_console_passwords.account_id', 'is', null)
    .orderBy('accounts.account_id')
    .execute();
  return rows.map((row) => row.account_id as AccountId);
}

/** Sets or replaces the root password. Ending root's sessions is the caller's part of the change. */
export async function setRootConsolePassword(
  tx: WriteContext,
  accountId: AccountId,
  passwordHash: string,
): Promise<RootConsolePassword> {
  await requireAccount(tx.db, accountId);
  await tx.db
    .insertInto('root_console_passwords')
    .values({ account_id: accountId, password_hash: passwordHash, updated_at: tx.now })
    .onConflict((conflict) =>
      conflict.column('account_id').doUpdateSet({ password_hash: passwordHash, updated_at: tx.now }),
    )
    .execute();
  return { accountId, passwordHash, updatedAt: new Date(tx.now) };
}
