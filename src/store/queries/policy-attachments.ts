import type { Kysely } from 'kysely';
import type { AccountId, UserName } from '../../common/identifiers.js';
import type { PolicyType } from '../entities.js';
import type { StoreDatabase } from '../schema/database.js';
import { StoreError } from '../store-error.js';
import type { WriteContext } from '../write-context.js';
import { requireUser } from './users.js';

/** Names a policy, as RAM's PolicyType and PolicyName parameters do. */
export interface PolicyReference {
  readonly policyType: PolicyType;
  readonly policyName: string;
}

/** A permission policy attached to a RAM user (RAM's AttachPolicyToUser). */
export interface UserPolicyAttachment extends PolicyReference {
  readonly attachedAt: Date;
}

// RAM's rule for policy names.
const policyNameShape = /^[0-9A-Za-z-]{1,128}$/;

/**
 * The policies attached to a user, in name order. The store does not know which policies exist
 * (that is the catalogue of whoever authorises); it records attachments of well-formed names.
 */
export async function listPoliciesForUser(
  db: Kysely<StoreDatabase>,
  accountId: AccountId,
  userName: UserName,
): Promise<UserPolicyAttachment[]> {
  await requireUser(db, accountId, userName);
  const rows = await db
    .selectFrom('user_policy_attachments')
    .select(['policy_name', 'policy_type', 'attached_at'])
    .where('account_id', '=', accountId)
    .where('user_name', '=', userName)
    .orderBy('policy_type')
    .orderBy('policy_name')
    .execute();
  return rows.map((row) => ({
    policyName: row.policy_name,
    policyType: row.policy_type as PolicyType,
    attachedAt: new Date(row.attached_at),
  }));
}

/** Fails with `EntityAlreadyExists.User.Policy` when the policy is attached already. */
export async function attachPolicyToUser(
  tx: WriteContext,
  accountId: AccountId,
  userName: UserName,
  policy: PolicyReference,
): Promise<UserPolicyAttachment> {
  const { policyType, policyName } = policy;
  checkPolicy(policyType, policyName);
  await requireUser(tx.db, accountId, userName);
  if (await isAttached(tx.db, accountId, userName, policyType, policyName)) {
    throw new StoreError('EntityAlreadyExists.User.Policy', `${userName}:${policyName}`);
  }
  await tx.db
    .insertInto('user_policy_attachments')
    .values({
      account_id: accountId,
      user_name: userName,
      policy_type: policyType,
      policy_name: policyName,
      attached_at: tx.now,
    })
    .execute();
  await tx.log.append(accountId, { kind: 'user.policy.attached', userName, policyType, policyName });
  return { policyName, policyType, attachedAt: new Date(tx.now) };
}

/** Fails with `EntityNotExist.User.Policy` when the policy is not attached to the user. */
export async function detachPolicyFromUser(
  tx: WriteContext,
  accountId: AccountId,
  userName: UserName,
  policy: PolicyReference,
): Promise<void> {
  const { policyType, policyName } = policy;
  checkPolicy(policyType, policyName);
  await requireUser(tx.db, accountId, userName);
  if (!(await isAttached(tx.db, accountId, userName, policyType, policyName))) {
    throw new StoreError('EntityNotExist.User.Policy', `${userName}:${policyName}`);
  }
  await tx.db
    .deleteFrom('user_policy_attachments')
    .where('account_id', '=', accountId)
    .where('user_name', '=', userName)
    .where('policy_type', '=', policyType)
    .where('policy_name', '=', policyName)
    .execute();
  await tx.log.append(accountId, { kind: 'user.policy.detached', userName, policyType, policyName });
}

async function isAttached(
  db: Kysely<StoreDatabase>,
  accountId: AccountId,
  userName: UserName,
  policyType: PolicyType,
  policyName: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('user_policy_attachments')
    .select('policy_name')
    .where('account_id', '=', accountId)
    .where('user_name', '=', userName)
    .where('policy_type', '=', policyType)
    .where('policy_name', '=', policyName)
    .executeTakeFirst();
  return row !== undefined;
}

function checkPolicy(policyType: string, policyName: string): void {
  if (policyType !== 'System') throw new StoreError('InvalidParameter.PolicyType', policyType);
  if (!policyNameShape.test(policyName)) throw new StoreError('InvalidParameter.PolicyName', policyName);
}
