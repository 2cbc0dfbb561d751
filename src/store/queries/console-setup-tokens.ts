import type { AccountId } from '../../common/identifiers.js';
import type { WriteContext } from '../write-context.js';
import { requireAccount } from './accounts.js';

/*
 * The link `keyfence serve` prints while an account's root has no console password. Only the
 * token's SHA-256 is stored; each account has at most one, replaced at every start.
 */

export async function putConsoleSetupToken(
  tx: WriteContext,
  accountId: AccountId,
  tokenHash: string,
  expiresAt: Date,
): Promise<void> {
  await requireAccount(tx.db, accountId);
  await tx.db.deleteFrom('console_setup_tokens').where('account_id', '=', accountId).execute();
  await tx.db
    .insertInto('console_setup_tokens')
    .values({ token_hash: tokenHash, account_id: accountId, expires_at: expiresAt.getTime() })
    .execute();
}

/**
 * Single use: deletes the token whatever its state, in one statement, and answers its account
 * only if it had not expired; undefined for an unknown, used or expired token.
 */
export async function consumeConsoleSetupToken(
  tx: WriteContext,
  tokenHash: string,
): Promise<AccountId | undefined> {
  const row = await tx.db
    .deleteFrom('console_setup_tokens')
    .where('token_hash', '=', tokenHash)
    .returning(['account_id', 'expires_at'])
    .executeTakeFirst();
  if (row === undefined || row.expires_at <= tx.now) return undefined;
  return row.account_id as AccountId;
}
