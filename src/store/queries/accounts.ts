import type { Kysely, Selectable } from 'kysely';
import type { AccountId } from '../../common/identifiers.js';
import type { Account } from '../entities.js';
import { newAccountId } from '../identifiers/random-ids.js';
import { DEFAULT_PAGE_LIMIT, type Page } from '../page.js';
import type { AccountTable, StoreDatabase } from '../schema/database.js';
import { StoreError } from '../store-error.js';
import type { WriteContext } from '../write-context.js';

const toAccount = (row: Pick<Selectable<AccountTable>, 'account_id' | 'created_at'>): Account => ({
  accountId: row.account_id as AccountId,
  createdAt: new Date(row.created_at),
});

export async function getAccount(db: Kysely<StoreDatabase>, accountId: AccountId): Promise<Account> {
  const row = await db
    .selectFrom('accounts')
    .select(['account_id', 'created_at'])
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (row === undefined) throw new StoreError('EntityNotExist.Account', accountId);
  return toAccount(row);
}

export async function listAccounts(
  db: Kysely<StoreDatabase>,
  page: Page<AccountId> = {},
): Promise<Account[]> {
  const rows = await db
    .selectFrom('accounts')
    .select(['account_id', 'created_at'])
    .$if(page.after !== undefined, (q) => q.where('account_id', '>', page.after!))
    .orderBy('account_id')
    .limit(page.limit ?? DEFAULT_PAGE_LIMIT)
    .execute();
  return rows.map(toAccount);
}

export async function createAccount(tx: WriteContext): Promise<Account> {
  let accountId = newAccountId();
  // 16 random digits rarely collide, but "rarely" is not "never" once there are many accounts.
  while (await accountExists(tx.db, accountId)) accountId = newAccountId();
  await tx.db
    .insertInto('accounts')
    .values({ account_id: accountId, created_at: tx.now, policy_version: 0 })
    .execute();
  await tx.log.append(accountId, { kind: 'account.created' });
  return toAccount({ account_id: accountId, created_at: tx.now });
}

export async function requireAccount(db: Kysely<StoreDatabase>, accountId: AccountId): Promise<void> {
  if (!(await accountExists(db, accountId))) throw new StoreError('EntityNotExist.Account', accountId);
}

async function accountExists(db: Kysely<StoreDatabase>, accountId: AccountId): Promise<boolean> {
  const row = await db
    .selectFrom('accounts')
    .select('account_id')
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row !== undefined;
}
