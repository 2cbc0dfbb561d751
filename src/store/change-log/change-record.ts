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

/**
 * One committed mutation. Versions start at 1 and increase by exactly 1 per record, in commit
 * order; a record and the change it describes commit in the same transaction. A record
 * carries what a node's decision index needs to apply it without reading the store again.
 */
export type ChangeRecord = {
  readonly version: number;
  readonly at: Date;
  readonly accountId: AccountId;
} & ChangeBody;

/** A change as it is appended, before it has a version and time. */
export type ChangeBody =
  | { readonly kind: 'account.created' }
  | { readonly kind: 'user.created'; readonly userName: UserName }
  /** `previousUserName` differs from `userName` when the user was renamed; keys follow the rename. */
  | { readonly kind: 'user.updated'; readonly userName: UserName; readonly previousUserName: UserName }
  | { readonly kind: 'user.deleted'; readonly userName: UserName }
  | {
      readonly kind: 'user.policy.attached' | 'user.policy.detached';
      readonly userName: UserName;
      readonly policyType: PolicyType;
      readonly policyName: string;
    }
  | {
      readonly kind: 'key.created';
      readonly accessKeyId: AccessKeyId;
      readonly userName: UserName | null;
      readonly status: AccessKeyStatus;
    }
  | { readonly kind: 'key.updated'; readonly accessKeyId: AccessKeyId; readonly status: AccessKeyStatus }
  /** The key's policy went with it. */
  | { readonly kind: 'key.deleted'; readonly accessKeyId: AccessKeyId }
  | {
      readonly kind: 'policy.account.set';
      readonly policy: CanonicalPolicyJson;
      readonly rolledBackTo: number | null;
    }
  | {
      readonly kind: 'policy.key.set';
      readonly accessKeyId: AccessKeyId;
      readonly policy: CanonicalPolicyJson;
      readonly rolledBackTo: number | null;
    }
  /** A report-only candidate staged, or with `policy` null removed (docs/server.md). */
  | { readonly kind: 'candidate.account.set'; readonly policy: CanonicalPolicyJson | null }
  | {
      readonly kind: 'candidate.key.set';
      readonly accessKeyId: AccessKeyId;
      readonly policy: CanonicalPolicyJson | null;
    }
  | { readonly kind: 'role.created' | 'role.updated' | 'role.deleted'; readonly roleName: RoleName }
  /** The account's whole security preference as it now is (the console's settings). */
  | { readonly kind: 'security-preference.set'; readonly preference: SecurityPreferenceSettings }
  | {
      readonly kind: 'credential.issued';
      readonly accessKeyId: TemporaryAccessKeyId;
      readonly roleName: RoleName;
      readonly expiration: Date;
    };

export type ChangeKind = ChangeBody['kind'];
