import type { Insertable, Selectable } from 'kysely';
import type {
  AccessKeyId,
  AccountId,
  RoleName,
  TemporaryAccessKeyId,
  UserName,
} from '../../common/identifiers.js';
import type { CanonicalPolicyJson } from '../../policy/policy-document.js';
import type { SecurityPreferenceSettings } from '../console-entities.js';
import type { AccessKeyStatus, PolicyType } from '../entities.js';
import type { ChangeLogTable } from '../schema/database.js';
import type { ChangeBody, ChangeRecord } from './change-record.js';

type Row = Selectable<ChangeLogTable>;

/** Spreads a change over the log's sparse columns; the rare extras go to `detail` as JSON. */
export function toChangeRow(
  version: number,
  at: number,
  accountId: AccountId,
  body: ChangeBody,
): Insertable<ChangeLogTable> {
  const row: Insertable<ChangeLogTable> = { version, at, kind: body.kind, account_id: accountId };
  switch (body.kind) {
    case 'account.created':
      return row;
    case 'user.created':
    case 'user.deleted':
      return { ...row, user_name: body.userName };
    case 'user.updated':
      return {
        ...row,
        user_name: body.userName,
        detail: JSON.stringify({ previousUserName: body.previousUserName }),
      };
    case 'user.policy.attached':
    case 'user.policy.detached':
      return {
        ...row,
        user_name: body.userName,
        detail: JSON.stringify({ policyType: body.policyType, policyName: body.policyName }),
      };
    case 'key.created':
      return { ...row, access_key_id: body.accessKeyId, user_name: body.userName, status: body.status };
    case 'key.updated':
      return { ...row, access_key_id: body.accessKeyId, status: body.status };
    case 'key.deleted':
      return { ...row, access_key_id: body.accessKeyId };
    case 'policy.account.set':
      return { ...row, policy: body.policy, detail: rollbackDetail(body.rolledBackTo) };
    case 'policy.key.set':
      return {
        ...row,
        access_key_id: body.accessKeyId,
        policy: body.policy,
        detail: rollbackDetail(body.rolledBackTo),
      };
    case 'candidate.account.set':
      return { ...row, policy: body.policy };
    case 'candidate.key.set':
      return { ...row, access_key_id: body.accessKeyId, policy: body.policy };
    case 'role.created':
    case 'role.updated':
    case 'role.deleted':
      return { ...row, role_name: body.roleName };
    case 'security-preference.set':
      return { ...row, detail: JSON.stringify(body.preference) };
    case 'credential.issued':
      return {
        ...row,
        access_key_id: body.accessKeyId,
        role_name: body.roleName,
        detail: JSON.stringify({ expiration: body.expiration.getTime() }),
      };
  }
}

const rollbackDetail = (rolledBackTo: number | null): string | null =>
  rolledBackTo === null ? null : JSON.stringify({ rolledBackTo });

export function fromChangeRow(row: Row): ChangeRecord {
  const base = { version: row.version, at: new Date(row.at), accountId: row.account_id as AccountId };
  const detail = row.detail === null ? {} : (JSON.parse(row.detail) as Record<string, unknown>);
  const kind = row.kind as ChangeRecord['kind'];
  switch (kind) {
    case 'account.created':
      return { ...base, kind };
    case 'user.created':
    case 'user.deleted':
      return { ...base, kind, userName: row.user_name as UserName };
    case 'user.updated':
      return {
        ...base,
        kind,
        userName: row.user_name as UserName,
        previousUserName: detail.previousUserName as UserName,
      };
    case 'user.policy.attached':
    case 'user.policy.detached':
      return {
        ...base,
        kind,
        userName: row.user_name as UserName,
        policyType: detail.policyType as PolicyType,
        policyName: detail.policyName as string,
      };
    case 'key.created':
      return {
        ...base,
        kind,
        accessKeyId: row.access_key_id as AccessKeyId,
        userName: row.user_name as UserName | null,
        status: row.status as AccessKeyStatus,
      };
    case 'key.updated':
      return {
        ...base,
        kind,
        accessKeyId: row.access_key_id as AccessKeyId,
        status: row.status as AccessKeyStatus,
      };
    case 'key.deleted':
      return { ...base, kind, accessKeyId: row.access_key_id as AccessKeyId };
    case 'policy.account.set':
      return {
        ...base,
        kind,
        policy: row.policy as CanonicalPolicyJson,
        rolledBackTo: (detail.rolledBackTo as number | undefined) ?? null,
      };
    case 'policy.key.set':
      return {
        ...base,
        kind,
        accessKeyId: row.access_key_id as AccessKeyId,
        policy: row.policy as CanonicalPolicyJson,
        rolledBackTo: (detail.rolledBackTo as number | undefined) ?? null,
      };
    case 'candidate.account.set':
      return { ...base, kind, policy: row.policy as CanonicalPolicyJson | null };
    case 'candidate.key.set':
      return {
        ...base,
        kind,
        accessKeyId: row.access_key_id as AccessKeyId,
        policy: row.policy as CanonicalPolicyJson | null,
      };
    case 'role.created':
    case 'role.updated':
    case 'role.deleted':
      return { ...base, kind, roleName: row.role_name as RoleName };
    case 'security-preference.set':
      return { ...base, kind, preference: detail as unknown as SecurityPreferenceSettings };
    case 'credential.issued':
      return {
        ...base,
        kind,
        accessKeyId: row.access_key_id as TemporaryAccessKeyId,
        roleName: row.role_name as RoleName,
        expiration: new Date(detail.expiration as number),
      };
  }
}
