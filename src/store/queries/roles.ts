import type { Kysely, Selectable } from 'kysely';
import { type AccountId, isRoleName, type RoleId, type RoleName } from '../../common/identifiers.js';
import type { Role } from '../entities.js';
import { newRoleId } from '../identifiers/random-ids.js';
import { DEFAULT_PAGE_LIMIT, type Page } from '../page.js';
import type { RoleTable, StoreDatabase } from '../schema/database.js';
import { StoreError } from '../store-error.js';
import type { WriteContext } from '../write-context.js';
import { requireAccount } from './accounts.js';

export interface NewRole {
  readonly roleName: RoleName;
  /** The trust policy naming who may assume the role (RAM's JSON document). */
  readonly assumeRolePolicyDocument: string;
  readonly description?: string;
  /** Seconds, 3600 to 43200; default 3600. */
  readonly maxSessionDuration?: number;
}

export interface RoleChanges {
  readonly newAssumeRolePolicyDocument?: string;
  readonly newDescription?: string;
  readonly newMaxSessionDuration?: number;
}

const toRole = (row: Selectable<RoleTable>): Role => ({
  accountId: row.account_id as AccountId,
  roleName: row.role_name as RoleName,
  roleId: row.role_id as RoleId,
  arn: `acs:ram::${row.account_id}:role/${row.role_name.toLowerCase()}`,
  description: row.description,
  assumeRolePolicyDocument: row.assume_role_policy,
  maxSessionDuration: row.max_session_duration,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

/** Role names are matched case-insensitively: Alibaba's role ARNs carry them in lower case. */
export async function getRole(
  db: Kysely<StoreDatabase>,
  accountId: AccountId,
  roleName: RoleName,
): Promise<Role> {
  const row = await requireRoleRow(db, accountId, roleName);
  return toRole(row);
}

export async function listRoles(
  db: Kysely<StoreDatabase>,
  accountId: AccountId,
  page: Page<RoleName> = {},
): Promise<Role[]> {
  await requireAccount(db, accountId);
  const rows = await db
    .selectFrom('roles')
    .selectAll()
    .where('account_id', '=', accountId)
    .$if(page.after !== undefined, (q) => q.where('role_name', '>', page.after!))
    .orderBy('role_name')
    .limit(page.limit ?? DEFAULT_PAGE_LIMIT)
    .execute();
  return rows.map(toRole);
}

export async function createRole(tx: WriteContext, accountId: AccountId, input: NewRole): Promise<Role> {
  if (!isRoleName(input.roleName)) throw new StoreError('InvalidParameter.RoleName', input.roleName);
  const row: Selectable<RoleTable> = {
    account_id: accountId,
    role_name: input.roleName,
    role_id: '',
    description: input.description ?? '',
    assume_role_policy: input.assumeRolePolicyDocument,
    max_session_duration: input.maxSessionDuration ?? 3600,
    created_at: tx.now,
    updated_at: tx.now,
  };
  checkRole(row);
  await requireAccount(tx.db, accountId);
  if ((await findRoleRow(tx.db, accountId, input.roleName)) !== undefined) {
    throw new StoreError('EntityAlreadyExists.Role', input.roleName);
  }
  row.role_id = newRoleId();
  while (await roleIdExists(tx.db, row.role_id)) row.role_id = newRoleId();
  await tx.db.insertInto('roles').values(row).execute();
  await tx.log.append(accountId, { kind: 'role.created', roleName: input.roleName });
  return toRole(row);
}

export async function updateRole(
  tx: WriteContext,
  accountId: AccountId,
  roleName: RoleName,
  changes: RoleChanges,
): Promise<Role> {
  const current = await requireRoleRow(tx.db, accountId, roleName);
  const next: Selectable<RoleTable> = {
    ...current,
    assume_role_policy: changes.newAssumeRolePolicyDocument ?? current.assume_role_policy,
    description: changes.newDescription ?? current.description,
    max_session_duration: changes.newMaxSessionDuration ?? current.max_session_duration,
    updated_at: tx.now,
  };
  checkRole(next);
  await tx.db
    .updateTable('roles')
    .set({
      assume_role_policy: next.assume_role_policy,
      description: next.description,
      max_session_duration: next.max_session_duration,
      updated_at: next.updated_at,
    })
    .where('account_id', '=', accountId)
    .where('role_name', '=', current.role_name)
    .execute();
  await tx.log.append(accountId, { kind: 'role.updated', roleName: current.role_name as RoleName });
  return toRole(next);
}

/** Also revokes, at once, every temporary credential issued for the role (ON DELETE CASCADE). */
export async function deleteRole(tx: WriteContext, accountId: AccountId, roleName: RoleName): Promise<void> {
  const current = await requireRoleRow(tx.db, accountId, roleName);
  await tx.db
    .deleteFrom('roles')
    .where('account_id', '=', accountId)
    .where('role_name', '=', current.role_name)
    .execute();
  await tx.log.append(accountId, { kind: 'role.deleted', roleName: current.role_name as RoleName });
}

/** The role's row; EntityNotExist.Role when the account has no role of that name. */
export async function requireRoleRow(
  db: Kysely<StoreDatabase>,
  accountId: AccountId,
  roleName: string,
): Promise<Selectable<RoleTable>> {
  const row = await findRoleRow(db, accountId, roleName);
  if (row === undefined) throw new StoreError('EntityNotExist.Role', roleName);
  return row;
}

function findRoleRow(
  db: Kysely<StoreDatabase>,
  accountId: AccountId,
  roleName: string,
): Promise<Selectable<RoleTable> | undefined> {
  return db
    .selectFrom('roles')
    .selectAll()
    .where('account_id', '=', accountId)
    .where((eb) => eb(eb.fn('lower', ['role_name']), '=', roleName.toLowerCase()))
    .executeTakeFirst();
}

async function roleIdExists(db: Kysely<StoreDatabase>, roleId: string): Promise<boolean> {
  return (
    (await db.selectFrom('roles').select('role_id').where('role_id', '=', roleId).executeTakeFirst()) !==
    undefined
  );
}

function checkRole(row: Selectable<RoleTable>): void {
  if (row.description.length > 1024) throw new StoreError('InvalidParameter.Description');
  const duration = row.max_session_duration;
  if (!Number.isInteger(duration) || duration < 3600 || duration > 43_200) {
    throw new StoreError('InvalidParameter.MaxSessionDuration');
  }
  if (!isTrustPolicyShape(row.assume_role_policy))
    throw new StoreError('InvalidParameter.AssumeRolePolicyDocument');
}

/**
 * Only the outline is checked here — an object with a `Statement` list — so that nothing
 * unparseable is stored; what the statements grant is decided where AssumeRole is authorised.
 */
function isTrustPolicyShape(document: string): boolean {
  try {
    const parsed: unknown = JSON.parse(document);
    return (
      typeof parsed === 'object' &&
      parsed !== null &&
      Array.isArray((parsed as { Statement?: unknown }).Statement)
    );
  } catch {
    return false;
  }
}
