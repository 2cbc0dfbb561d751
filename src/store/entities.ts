import type {
  AccessKeyId,
  AccountId,
  RoleId,
  RoleName,
  TemporaryAccessKeyId,
  UserId,
  UserName,
} from '../common/identifiers.js';
import type { CanonicalEntryMetadataJson } from '../policy/entry-metadata.js';
import type { CanonicalPolicyJson } from '../policy/policy-document.js';

/** What the store holds, as its callers see it. No entity read back ever carries a secret. */

export interface Account {
  readonly accountId: AccountId;
  readonly createdAt: Date;
}

export interface RamUser {
  readonly accountId: AccountId;
  readonly userName: UserName;
  readonly userId: UserId;
  /** `<userName>@<accountId>.<suffix>`, the suffix being the store's `principalSuffix`. */
  readonly userPrincipalName: string;
  readonly displayName: string;
  readonly comments: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** The user's last console sign-in; null for never. */
  readonly lastLoginAt: Date | null;
}

export type AccessKeyStatus = 'Active' | 'Inactive';

/** RAM's policy types. KeyFence has only system policies; the type is kept so that names stay unambiguous. */
export type PolicyType = 'System';

export interface AccessKeyLastUsed {
  readonly at: Date;
  /** The product the key was last used with, e.g. `Ram`, `Ecs`. */
  readonly service: string;
}

export interface AccessKey {
  readonly accessKeyId: AccessKeyId;
  readonly accountId: AccountId;
  /** The RAM user that owns the key, or null for the account's root identity. */
  readonly userName: UserName | null;
  readonly status: AccessKeyStatus;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly lastUsed: AccessKeyLastUsed | null;
}

/** Returned by key creation only: the one moment the secret is shown. */
export interface CreatedAccessKey extends AccessKey {
  readonly accessKeySecret: string;
}

export interface Role {
  readonly accountId: AccountId;
  readonly roleName: RoleName;
  readonly roleId: RoleId;
  /** `acs:ram::<accountId>:role/<role name in lower case>`, as Alibaba writes it. */
  readonly arn: string;
  readonly description: string;
  /** The trust policy: which principals may assume the role (RAM's JSON document, as given). */
  readonly assumeRolePolicyDocument: string;
  /** Seconds; the longest validity AssumeRole may grant. */
  readonly maxSessionDuration: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface TemporaryCredential {
  readonly accessKeyId: TemporaryAccessKeyId;
  readonly accountId: AccountId;
  readonly roleName: RoleName;
  readonly roleSessionName: string;
  /** Who assumed the role, e.g. the caller's AccessKey ID or principal name. */
  readonly sourceIdentity: string;
  readonly expiration: Date;
  readonly createdAt: Date;
}

/** Returned by AssumeRole only: the secret and token are never shown again. */
export interface IssuedTemporaryCredential extends TemporaryCredential {
  readonly accessKeySecret: string;
  readonly securityToken: string;
}

/** The two places a network ACL policy is set: the account, or one AccessKey. */
export type PolicyScope =
  | { readonly scope: 'account'; readonly accountId: AccountId }
  | { readonly scope: 'accessKey'; readonly accountId: AccountId; readonly accessKeyId: AccessKeyId };

export interface ScopePolicy {
  /** Null while the scope's policy was never set (GetAccessKeyPolicy then returns `{}`). */
  readonly policy: CanonicalPolicyJson | null;
  /** The change-log version that set the policy; 0 while it was never set. */
  readonly version: number;
}

/** A scope's entry descriptions and parked entries (src/policy/entry-metadata.ts). */
export interface ScopeEntryMetadata {
  /** Null when the scope has none. */
  readonly entryMetadata: CanonicalEntryMetadataJson | null;
  /** The version of the policy they go with (0 while it was never set). */
  readonly policyVersion: number;
}

/** The first call a network ACL let in under a policy change awaiting confirmation. */
export interface PolicyPass {
  readonly at: Date;
  readonly requestId: string;
  readonly accessKeyId: string;
  readonly sourceIp: string;
  readonly vpcId: string | null;
}

/** Where a scope's policy change stands with commit-confirm (docs/server.md, "Commit-confirmed changes"). */
export interface PolicyConfirmation {
  /** The scope's policy version (0 while never set). */
  readonly policyVersion: number;
  /** While the change awaits confirmation: when it is reverted unless confirmed; else null. */
  readonly autoRevertAt: Date | null;
  /** The call that confirmed it by passing, if one did; null otherwise. */
  readonly firstPass: PolicyPass | null;
}

/** One entry of a scope's policy history. */
export interface PolicyChange {
  readonly version: number;
  readonly at: Date;
  /** Who made the change, as the caller named them (an AccessKey ID, a console user, `keyfence init`). */
  readonly actor: string;
  readonly scope: PolicyScope;
  readonly before: CanonicalPolicyJson | null;
  /** Null only when the AccessKey, and with it its policy, was deleted. */
  readonly after: CanonicalPolicyJson | null;
  /** Set when the change restored the policy of an earlier version. */
  readonly rolledBackTo: number | null;
  /** The scope's entry descriptions and parked entries before and after; null for none. */
  readonly entryMetadataBefore: CanonicalEntryMetadataJson | null;
  readonly entryMetadataAfter: CanonicalEntryMetadataJson | null;
}
