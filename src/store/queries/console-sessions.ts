import type { Kysely, Selectable } from 'kysely';
import type { AccountId, UserId, UserName } from '../../common/identifiers.js';
import type { ConsolePrincipal, ConsoleSessionRecord, NewConsoleSession } from '../console-entities.js';
import type { ConsoleSessionTable, StoreDatabase } from '../schema/database.js';
import type { WriteContext } from '../write-context.js';
import { requireAccount } from './accounts.js';
import { requireUser } from './users.js';

/*
 * Console sessions are read on every console request and are not in the change log: no node
 * derives state from them, and every node reads them from the store.
 */

const toPrincipal = (row: Selectable<ConsoleSessionTable>): ConsolePrincipal =>
  row.principal_type === 'root'
    ? { type: 'root' }
    : { type: 'ram-user', userId: row.user_id as UserId, userName: row.user_name as UserName };

const toSession = (row: Selectable<ConsoleSessionTable>): ConsoleSessionRecord => ({
  idHash: row.id_hash,
  accountId: row.account_id as AccountId,
  principal: toPrincipal(row),
  createdAt: new Date(row.created_at),
  lastSeenAt: new Date(row.last_seen_at),
  expiresAt: new Date(row.expires_at),
  sourceIp: row.source_ip,
  userAgent: row.user_agent,
  csrfToken: row.csrf_token,
  authMethods: JSON.parse(row.auth_methods) as string[],
  rootAccessKeyAcknowledged: row.root_access_key_acknowledged === 1,
});

/** The session as stored, expired or not (the caller tells expired from unknown); undefined when none. */
export async function getConsoleSession(
  db: Kysely<StoreDatabase>,
  idHash: string,
): Promise<ConsoleSessionRecord | undefined> {
  const row = await db
    .selectFrom('console_sessions')
    .selectAll()
    .where('id_hash', '=', idHash)
    .executeTakeFirst();
  return row === undefined ? undefined : toSession(row);
}

/** EntityNotExist.Account / EntityNotExist.User when the principal is gone. */
export async function createConsoleSession(
  tx: WriteContext,
  input: NewConsoleSession,
): Promise<ConsoleSessionRecord> {
  await requireAccount(tx.db, input.accountId);
  const { principal } = input;
  if (principal.type === 'ram-user') await requireUser(tx.db, input.accountId, principal.userName);
  const row: Selectable<ConsoleSessionTable> = {
    id_hash: input.idHash,
    account_id: input.accountId,
    principal_type: principal.type,
    user_id: principal.type === 'root' ? null : principal.userId,
    user_name: principal.type === 'root' ? null : principal.userName,
    created_at: tx.now,
    last_seen_at: tx.now,
    expires_at: input.expiresAt.getTime(),
    source_ip: input.sourceIp,
    user_agent: input.userAgent,
    csrf_token: input.csrfToken,
    auth_methods: JSON.stringify(input.authMethods),
    root_access_key_acknowledged: 0,
  };
  await tx.db.insertInto('console_sessions').values(row).execute();
  // A session is created by a successful sign-in only: the user's last login (IMS LastLoginDate).
  if (principal.type === 'ram-user') {
    await tx.db
      .updateTable('users')
      .set({ last_login_at: tx.now })
      .where('account_id', '=', input.accountId)
      .where('user_name', '=', principal.userName)
      .execute();
  }
  return toSession(row);
}

/** Records activity now; false when no such session is stored. */
export async function touchConsoleSession(tx: WriteContext, idHash: string): Promise<boolean> {
  const result = await tx.db
    .updateTable('console_sessions')
    .set({ last_seen_at: tx.now })
    .where('id_hash', '=', idHash)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** For the rest of the session, root has accepted the risks of its AccessKeys; false when none. */
export async function acknowledgeRootAccessKeys(tx: WriteContext, idHash: string): Promise<boolean> {
  const result = await tx.db
    .updateTable('console_sessions')
    .set({ root_access_key_acknowledged: 1 })
    .where('id_hash', '=', idHash)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Sign-out; false when no such session is stored. */
export async function deleteConsoleSession(tx: WriteContext, idHash: string): Promise<boolean> {
  const result = await tx.db.deleteFrom('console_sessions').where('id_hash', '=', idHash).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Ends every session of one principal (a password change, a disabled or deleted login profile),
 * but the one `exceptIdHash` names; returns how many. A RAM user is matched by user ID, which a
 * rename does not change.
 */
export async function deleteConsoleSessionsOf(
  tx: WriteContext,
  accountId: AccountId,
  principal: ConsolePrincipal,
  exceptIdHash?: string,
): Promise<number> {
  let query = tx.db.deleteFrom('console_sessions').where('account_id', '=', accountId);
  query =
    principal.type === 'root'
      ? query.where('principal_type', '=', 'root')
      : query.where('principal_type', '=', 'ram-user').where('user_id', '=', principal.userId);
  if (exceptIdHash !== undefined) query = query.where('id_hash', '<>', exceptIdHash);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Housekeeping: deletes sessions past their expiry; returns how many. */
export async function deleteExpiredConsoleSessions(db: Kysely<StoreDatabase>, now: number): Promise<number> {
  const result = await db.deleteFrom('console_sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
