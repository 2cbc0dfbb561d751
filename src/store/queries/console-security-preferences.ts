import type { Kysely } from 'kysely';
import type { AccountId } from '../../common/identifiers.js';
import {
  DEFAULT_SECURITY_PREFERENCE,
  type SecurityPreference,
  type SecurityPreferenceSettings,
} from '../console-entities.js';
import type { StoreDatabase } from '../schema/database.js';
import type { WriteContext } from '../write-context.js';
import { requireAccount } from './accounts.js';

/** The account's preference, or the defaults (version 0) when it never set one. */
export async function getSecurityPreference(
  db: Kysely<StoreDatabase>,
  accountId: AccountId,
): Promise<SecurityPreference> {
  const row = await db
    .selectFrom('security_preferences')
    .selectAll()
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (row === undefined) {
    await requireAccount(db, accountId);
    return { ...DEFAULT_SECURITY_PREFERENCE, version: 0 };
  }
  return {
    loginSessionDuration: row.login_session_duration,
    allowUserToChangePassword: row.allow_user_to_change_password === 1,
    allowUserToManageAccessKeys: row.allow_user_to_manage_access_keys === 1,
    loginNetworkMasks: row.login_network_masks,
    accessKeyRotationDays: row.access_key_rotation_days,
    impactPreviewDays: row.impact_preview_days,
    version: row.version,
  };
}

/**
 * Replaces the account's whole preference (callers merge a partial update first), recorded in
 * the change log so that history and every node see it. Values are checked by the API.
 */
export async function setSecurityPreference(
  tx: WriteContext,
  accountId: AccountId,
  settings: SecurityPreferenceSettings,
): Promise<SecurityPreference> {
  await requireAccount(tx.db, accountId);
  // Only the known fields: a caller's object may carry more.
  const preference: SecurityPreferenceSettings = {
    loginSessionDuration: settings.loginSessionDuration,
    allowUserToChangePassword: settings.allowUserToChangePassword,
    allowUserToManageAccessKeys: settings.allowUserToManageAccessKeys,
    loginNetworkMasks: settings.loginNetworkMasks,
    accessKeyRotationDays: settings.accessKeyRotationDays,
    impactPreviewDays: settings.impactPreviewDays,
  };
  const version = await tx.log.append(accountId, { kind: 'security-preference.set', preference });
  const columns = {
    login_session_duration: preference.loginSessionDuration,
    allow_user_to_change_password: preference.allowUserToChangePassword ? 1 : 0,
    allow_user_to_manage_access_keys: preference.allowUserToManageAccessKeys ? 1 : 0,
    login_network_masks: preference.loginNetworkMasks,
    access_key_rotation_days: preference.accessKeyRotationDays,
    impact_preview_days: preference.impactPreviewDays,
    version,
  };
  await tx.db
    .insertInto('security_preferences')
    .values({ account_id: accountId, ...columns })
    .onConflict((conflict) => conflict.column('account_id').doUpdateSet(columns))
    .execute();
  return { ...preference, version };
}
