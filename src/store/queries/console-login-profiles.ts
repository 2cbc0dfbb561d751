import type { Kysely, Selectable } from 'kysely';
import type { AccountId, UserName } from '../../common/identifiers.js';
import type {
  LoginProfile,
  LoginProfileChanges,
  LoginProfileStatus,
  NewLoginProfile,
} from '../console-entities.js';
import type { LoginProfileTable, StoreDatabase } from '../schema/database.js';
import { StoreError } from '../store-error.js';
import type { StoreSettings } from '../store-settings.js';
import type { WriteContext } from '../write-context.js';
import { requireUser } from './users.js';

const toLoginProfile = (row: Selectable<LoginProfileTable>, suffix: string): LoginProfile => ({
  accountId: row.account_id as AccountId,
  userName: row.user_name as UserName,
  userPrincipalName: `${row.user_name}@${row.account_id}.${suffix}`,
  passwordHash: row.password_hash,
  passwordResetRequired: row.password_reset_required === 1,
  mfaBindRequired: row.mfa_bind_required === 1,
  status: row.status as LoginProfileStatus,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

/** EntityNotExist.User for an unknown user, EntityNotExist.User.LoginProfile for a user without one. */
export async function getLoginProfile(
  db: Kysely<StoreDatabase>,
  settings: StoreSettings,
  accountId: AccountId,
  userName: UserName,
): Promise<LoginProfile> {
  return toLoginProfile(await requireLoginProfile(db, accountId, userName), settings.principalSuffix);
}

export async function createLoginProfile(
  tx: WriteContext,
  accountId: AccountId,
  userName: UserName,
  input: NewLoginProfile,
): Promise<LoginProfile> {
  await requireUser(tx.db, accountId, userName);
  if ((await findLoginProfileRow(tx.db, accountId, userName)) !== undefined) {
    throw new StoreError('EntityAlreadyExists.User.LoginProfile', userName);
  }
  const status = input.status ?? 'Active';
  checkStatus(status);
  const row: Selectable<LoginProfileTable> = {
    account_id: accountId,
    user_name: userName,
    password_hash: input.passwordHash,
    password_reset_required: input.passwordResetRequired === true ? 1 : 0,
    mfa_bind_required: input.mfaBindRequired === true ? 1 : 0,
    status,
    created_at: tx.now,
    updated_at: tx.now,
  };
  await tx.db.insertInto('login_profiles').values(row).execute();
  return toLoginProfile(row, tx.settings.principalSuffix);
}

export async function updateLoginProfile(
  tx: WriteContext,
  accountId: AccountId,
  userName: UserName,
  changes: LoginProfileChanges,
): Promise<LoginProfile> {
  const current = await requireLoginProfile(tx.db, accountId, userName);
  if (changes.status !== undefined) checkStatus(changes.status);
  const flag = (value: boolean | undefined, stored: number) => (value === undefined ? stored : value ? 1 : 0);
  const next: Selectable<LoginProfileTable> = {
    ...current,
    password_hash: changes.passwordHash ?? current.password_hash,
    password_reset_required: flag(changes.passwordResetRequired, current.password_reset_required),
    mfa_bind_required: flag(changes.mfaBindRequired, current.mfa_bind_required),
    status: changes.status ?? current.status,
    updated_at: tx.now,
  };
  await tx.db
    .updateTable('login_profiles')
    .set({
      password_hash: next.password_hash,
      password_reset_required: next.password_reset_required,
      mfa_bind_required: next.mfa_bind_required,
      status: next.status,
      updated_at: next.updated_at,
    })
    .where('account_id', '=', accountId)
    .where('user_name', '=', userName)
    .execute();
  return toLoginProfile(next, tx.settings.principalSuffix);
}

export async function deleteLoginProfile(
  tx: WriteContext,
  accountId: AccountId,
  userName: UserName,
): Promise<void> {
  await requireLoginProfile(tx.db, accountId, userName);
  await tx.db
    .deleteFrom('login_profiles')
    .where('account_id', '=', accountId)
    .where('user_name', '=', userName)
    .execute();
}

async function requireLoginProfile(
  db: Kysely<StoreDatabase>,
  accountId: AccountId,
  userName: UserName,
): Promise<Selectable<LoginProfileTable>> {
  await requireUser(db, accountId, userName);
  const row = await findLoginProfileRow(db, accountId, userName);
  if (row === undefined) throw new StoreError('EntityNotExist.User.LoginProfile', userName);
  return row;
}

function findLoginProfileRow(
  db: Kysely<StoreDatabase>,
  accountId: AccountId,
  userName: UserName,
): Promise<Selectable<LoginProfileTable> | undefined> {
  return db
    .selectFrom('login_profiles')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('user_name', '=', userName)
    .executeTakeFirst();
}

function checkStatus(status: string): void {
  if (status !== 'Active' && status !== 'Inactive') throw new StoreError('InvalidParameter.Status', status);
}
