import type { AccessKeyId, AccountId, UserName } from '../common/identifiers.js';
import type { Result } from '../common/result.js';
import type { CanonicalPolicyJson } from '../policy/policy-document.js';
import type { AccessKeyStatus, PolicyType } from './entities.js';
import type { SigningCredential } from './signing-credential.js';
import type { StoreError } from './store-error.js';

/** An account as the decision index needs it. */
export interface SnapshotAccount {
  readonly accountId: AccountId;
  readonly policy: CanonicalPolicyJson | null;
  /** The version that set `policy`; 0 while it was never set. */
  readonly policyVersion: number;
}

/** A permanent AccessKey as the decision index needs it. */
export interface SnapshotAccessKey {
  readonly accessKeyId: AccessKeyId;
  readonly accountId: AccountId;
  readonly userName: UserName | null;
  readonly status: AccessKeyStatus;
  readonly policy: CanonicalPolicyJson | null;
  readonly policyVersion: number;
}

/** A staged report-only candidate (docs/server.md, "Report-only candidates"). */
export interface SnapshotCandidate {
  readonly accountId: AccountId;
  /** Null for the account-level candidate. */
  readonly accessKeyId: AccessKeyId | null;
  readonly policy: CanonicalPolicyJson;
  /** The version that staged it. */
  readonly version: number;
}

/** A commit-confirmed policy change awaiting confirmation (docs/server.md, "Commit-confirmed changes"). */
export interface SnapshotPendingChange {
  readonly accountId: AccountId;
  /** Null for the account-level policy. */
  readonly accessKeyId: AccessKeyId | null;
  readonly policyVersion: number;
}

/** A policy attached to a RAM user (RAM's AttachPolicyToUser), as authorization needs it. */
export interface SnapshotPolicyAttachment {
  readonly accountId: AccountId;
  readonly userName: UserName;
  readonly policyType: PolicyType;
  readonly policyName: string;
}

/**
 * One credential with its secret decrypted, or `Store.SecretUndecryptable` (subject: the
 * AccessKey ID) when its stored secret does not open: one damaged row must not stop a node from
 * loading all the others.
 */
export type SnapshotSigningCredential = Result<SigningCredential, StoreError>;

/**
 * The store as of one change-log version, read in one read-only transaction. The lists come
 * in pages, in no particular order, and can be iterated any number of times, but only while
 * the callback given to `KeyFenceStore.snapshot` runs. Apply `changesSince(version)` afterwards
 * to catch up.
 */
export interface Snapshot {
  readonly version: number;
  accounts(): AsyncIterable<readonly SnapshotAccount[]>;
  accessKeys(): AsyncIterable<readonly SnapshotAccessKey[]>;
  /**
   * Every permanent key and every unexpired temporary credential, secrets decrypted in this
   * process with the master key, for a node that authenticates from memory.
   */
  signingCredentials(): AsyncIterable<readonly SnapshotSigningCredential[]>;
  userPolicyAttachments(): AsyncIterable<readonly SnapshotPolicyAttachment[]>;
  /** The staged candidates, the accounts' first: only the scopes that have one are read. */
  candidates(): AsyncIterable<readonly SnapshotCandidate[]>;
  /** The policy changes awaiting confirmation, the accounts' first: only those scopes are read. */
  pendingPolicyChanges(): AsyncIterable<readonly SnapshotPendingChange[]>;
}
