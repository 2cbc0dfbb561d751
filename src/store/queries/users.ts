import type { Kysely, Selectable } from 'kysely';
import {
  type AccountId,
  isAccountId,
  isUserName,
  type UserId,
  type UserName,
} from '../../common/identifiers.js';
import type { RamUser } from '../entities.js';
import { newUserId } from '../identifiers/random-ids.js';
import { DEFAULT_PAGE_LIMIT, type Page } from '../page.js';
import type { StoreDatabase, UserTable } from '../schema/database.js';
import { StoreError } from '../store-error.js';
import type { StoreSettings } from '../store-settings.js';
import type { WriteContext } from '../write-context.js';
import { requireAccount } from './accounts.js';

export interface NewUser {
  readonly userName: UserName;
  /** Defaults to the user name, as in RAM. */
  readonly displayName?: string;
  readonly comments?: string;
}

export interface UserChanges {
  readonly newUserName?: UserName;
  readonly newDisplayName?: string;
  readonly newComments?: string;
}

const toUser = (row: Selectable<UserTable>, suffix: string): RamUser => ({
  accountId: row.account_id as AccountId,
  userName: row.user_name as UserName,
  userId: row.user_id as UserId,
  userPrincipalName: `${row.user_name}@${row.account_id}.${suffix}`,
  displayName: row.display_name,
  comments: row.comments,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
  lastLoginAt: row.last_login_at === null ? null : new Date(row.last_login_at),
});

export async function getUser(
  db: Kysely<StoreDatabase>,
  settings: StoreSettings,
  accountId: AccountId,
  userName: UserName,
): Promise<RamUser> {
  const row = await requireUser(db, accountId, userName);
  return toUser(row, settings.principalSuffix);
}

/** `name@<accountId>.<suffix>`; the suffix must be this store's, compared case-insensitively like a domain. */
export async function getUserByPrincipalName(
  db: Kysely<StoreDatabase>,
  settings: StoreSettings,
  userPrincipalName: string,
): Promise<RamUser> {
  const at = userPrincipalName.lastIndexOf('@');
  const domain = userPrincipalName.slice(at + 1);
  const dot = domain.indexOf('.');
  const userName = userPrincipalName.slice(0, at);
  const accountId = domain.slice(0, dot);
  const suffix = domain.slice(dot + 1);
  if (at < 0 || dot < 0 || !isUserName(userName) || !isAccountId(accountId)) {
    throw new StoreError('InvalidParameter.UserPrincipalName', userPrincipalName);
  }
  if (suffix.toLowerCase() !== settings.principalSuffix.toLowerCase()) {
    throw new StoreError('EntityNotExist.User', userPrincipalName);
  }
  return getUser(db, settings, accountId, userName);
}

export async function listUsers(
  db: Kysely<StoreDatabase>,
  settings: StoreSettings,
  accountId: AccountId,
  page: Page<UserName> = {},
): Promise<RamUser[]> {
  await requireAccount(db, accountId);
  const rows = await db
    .selectFrom('users')
    .selectAll()
    .where('account_id', '=', accountId)
    .$if(page.after !== undefined, (q) => q.where('user_name', '>', page.after!))
    .orderBy('user_name')
    .limit(page.limit ?? DEFAULT_PAGE_LIMIT)
    .execute();
  return rows.map((row) => toUser(row, settings.principalSuffix));
}

export async function createUser(tx: WriteContext, accountId: AccountId, input: NewUser): Promise<RamUser> {
  checkUserName(input.userName);
  const displayName = input.displayName ?? input.userName;
  const comments = input.comments ?? '';
  checkDisplayName(displayName);
  checkComments(comments);
  await requireAccount(tx.db, accountId);
  if ((await findUserRow(tx.db, accountId, input.userName)) !== undefined) {
    throw new StoreError('EntityAlreadyExists.User', input.userName);
  }
  let userId = newUserId();
  while (await userIdExists(tx.db, userId)) userId = newUserId();
  const row: Selectable<UserTable> = {
    account_id: accountId,
    user_name: input.userName,
    user_id: userId,
    display_name: displayName,
    comments,
    created_at: tx.now,
    updated_at: tx.now,
    last_login_at: null,
  };
  await tx.db.insertInto('users').values(row).execute();
  await tx.log.append(accountId, { kind: 'user.created', userName: input.userName });
  return toUser(row, tx.settings.principalSuffix);
}

export async function updateUser(
  tx: WriteContext,
  accountId: AccountId,
  userName: UserName,
  changes: UserChanges,
): Promise<RamUser> {
  const current = await requireUser(tx.db, accountId, userName);
  const next: Selectable<UserTable> = {
    ...current,
    user_name: changes.newUserName ?? current.user_name,
    display_name: changes.newDisplayName ?? current.display_name,
    comments: changes.newComments ?? current.comments,
    updated_at: tx.now,
  };
  checkUserName(next.user_name);
  checkDisplayName(next.display_name);
  checkComments(next.comments);
  const renamed = next.user_name !== current.user_name;
  if (renamed && (await findUserRow(tx.db, accountId, next.user_name as UserName)) !== undefined) {
    throw new StoreError('EntityAlreadyExists.User', next.user_name);
  }
  // The user's AccessKeys follow a rename through the foreign key's ON UPDATE CASCADE.
  await tx.db
    .updateTable('users')
    .set({
      user_name: next.user_name,
      display_name: next.display_name,
      comments: next.comments,
      updated_at: next.updated_at,
    })
    .where('account_id', '=', accountId)
    .where('user_name', '=', userName)
    .execute();
  await tx.log.append(accountId, {
    kind: 'user.updated',
    userName: next.user_name as UserName,
    previousUserName: userName,
  });
  return toUser(next, tx.settings.principalSuffix);
}

export async function deleteUser(tx: WriteContext, accountId: AccountId, userName: UserName): Promise<void> {
  await requireUser(tx.db, accountId, userName);
  if (await holdsAny(tx.db, 'access_keys', accountId, userName)) {
    throw new StoreError('DeleteConflict.User.AccessKey', userName);
  }
  // RAM refuses too, rather than silently revoking what the user was granted.
  if (await holdsAny(tx.db, 'user_policy_attachments', accountId, userName)) {
    throw new StoreError('DeleteConflict.User.Policy', userName);
  }
  await tx.db
    .deleteFrom('users')
    .where('account_id', '=', accountId)
    .where('user_name', '=', userName)
    .execute();
  await tx.log.append(accountId, { kind: 'user.deleted', userName });
}

/** Whether the user has a row in `table` (a key, an attachment): what keeps it from being deleted. */
async function holdsAny(
  db: Kysely<StoreDatabase>,
  table: 'access_keys' | 'user_policy_attachments',
  accountId: AccountId,
  userName: UserName,
): Promise<boolean> {
  const row = await db
    .selectFrom(table)
    .select('account_id')
    .where('account_id', '=', accountId)
    .where('user_name', '=', userName)
    .executeTakeFirst();
  return row !== undefined;
}

/** The user's row; EntityNotExist.User when the account has no user of that name. */
export async function requireUser(
  db: Kysely<StoreDatabase>,
  accountId: AccountId,
  userName: string,
): Promise<Selectable<UserTable>> {
  const row = await findUserRow(db, accountId, userName);
  if (row === undefined) throw new StoreError('EntityNotExist.User', userName);
  return row;
}

function findUserRow(
  db: Kysely<StoreDatabase>,
  accountId: AccountId,
  userName: string,
): Promise<Selectable<UserTable> | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('user_name', '=', userName)
    .executeTakeFirst();
}

async function userIdExists(db: Kysely<StoreDatabase>, userId: UserId): Promise<boolean> {
  return (
    (await db.selectFrom('users').select('user_id').where('user_id', '=', userId).executeTakeFirst()) !==
    undefined
  );
}

function checkUserName(userName: string): void {
  if (!isUserName(userName)) throw new StoreError('InvalidParameter.UserName', userName);
}

function checkDisplayName(displayName: string): void {
  if (displayName.length < 1 || displayName.length > 128)
    throw new StoreError('InvalidParameter.DisplayName');
}

function checkComments(comments: string): void {
  if (comments.length > 128) throw new StoreError('InvalidParameter.Comments');
}
