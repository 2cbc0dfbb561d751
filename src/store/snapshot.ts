import type { CanonicalPolicyJson } from '../policy/policy-document.js';
import type { AccessKeyStatus } from './entities.js';
import type { AccessKeyId, AccountId, UserName } from './identifiers/ids.js';

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

/**
 * The store as of one change-log version, read in one read-only transaction. Both lists come
 * in pages, in no particular order, and can be iterated any number of times, but only while
 * the callback given to `KeyFenceStore.snapshot` runs. Apply `changesSince(version)` afterwards
 * to catch up.
 */
export interface Snapshot {
  readonly version: number;
  accounts(): AsyncIterable<readonly SnapshotAccount[]>;
  accessKeys(): AsyncIterable<readonly SnapshotAccessKey[]>;
}
