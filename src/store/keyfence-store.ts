import type {
  AccessKeyId,
  AccountId,
  RoleName,
  TemporaryAccessKeyId,
  UserName,
} from '../common/identifiers.js';
import type { CanonicalPolicyJson } from '../policy/policy-document.js';
import type { ChangeFeedOptions, ChangeListener, ChangeSubscription } from './change-feed.js';
import type { ChangeRecord } from './change-log/change-record.js';
import type {
  ConsolePrincipal,
  ConsoleSessionRecord,
  LoginProfile,
  LoginProfileChanges,
  NewConsoleSession,
  NewLoginProfile,
  RootConsolePassword,
  SecurityPreference,
  SecurityPreferenceSettings,
} from './console-entities.js';
import type {
  AccessKey,
  AccessKeyStatus,
  Account,
  CreatedAccessKey,
  IssuedTemporaryCredential,
  PolicyChange,
  PolicyScope,
  RamUser,
  Role,
  ScopePolicy,
  TemporaryCredential,
} from './entities.js';
import type { Page } from './page.js';
import type { AccessKeyPrincipal } from './queries/access-key-principals.js';
import type { AccessKeyUse, NewAccessKey } from './queries/access-keys.js';
import type { AuditEventPage, AuditEventQuery, NewAuditEvent } from './queries/audit-events.js';
import type { KeySourceRollup, KeySourceRollupQuery } from './queries/key-source-rollups.js';
import type { NodeList, NodeReport } from './queries/nodes.js';
import type { HistoryPage, PolicyWriteOptions } from './queries/policies.js';
import type { PolicyReference, UserPolicyAttachment } from './queries/policy-attachments.js';
import type { RetainedTableName } from './queries/retention.js';
import type { NewRole, RoleChanges } from './queries/roles.js';
import type { SignatureNonce } from './queries/signature-nonces.js';
import type { DailyLease } from './queries/store-leases.js';
import type { AssumeRoleInput } from './queries/temporary-credentials.js';
import type { NewUser, UserChanges } from './queries/users.js';
import type { SigningCredential } from './signing-credential.js';
import type { Snapshot } from './snapshot.js';

/**
 * Reads. A missing entity is a `StoreError` with Alibaba's `EntityNotExist.*` code, never
 * `undefined`. Keys are always looked up within an account, so one tenant cannot reach
 * another's by guessing IDs.
 */
export interface StoreReads {
  getAccount(accountId: AccountId): Promise<Account>;
  listAccounts(page?: Page<AccountId>): Promise<Account[]>;

  getUser(accountId: AccountId, userName: UserName): Promise<RamUser>;
  getUserByPrincipalName(userPrincipalName: string): Promise<RamUser>;
  listUsers(accountId: AccountId, page?: Page<UserName>): Promise<RamUser[]>;
  /** The user's attached policies, in name order (RAM's ListPoliciesForUser). */
  listPoliciesForUser(accountId: AccountId, userName: UserName): Promise<UserPolicyAttachment[]>;

  getAccessKey(accountId: AccountId, accessKeyId: AccessKeyId): Promise<AccessKey>;
  /** `owner`: a user name for that user's keys, null for the root identity's, absent for all. */
  listAccessKeys(accountId: AccountId, filter?: { readonly owner?: UserName | null }): Promise<AccessKey[]>;

  getRole(accountId: AccountId, roleName: RoleName): Promise<Role>;
  listRoles(accountId: AccountId, page?: Page<RoleName>): Promise<Role[]>;
  getTemporaryCredential(accessKeyId: TemporaryAccessKeyId): Promise<TemporaryCredential>;

  getPolicy(scope: PolicyScope): Promise<ScopePolicy>;
  listPolicyHistory(scope: PolicyScope, page?: HistoryPage): Promise<PolicyChange[]>;
  /** The scope's report-only candidate; `policy` null (version 0) when none is staged. */
  getPolicyCandidate(scope: PolicyScope): Promise<ScopePolicy>;

  /** EntityNotExist.User, or EntityNotExist.User.LoginProfile for a user without one. */
  loginProfile(accountId: AccountId, userName: UserName): Promise<LoginProfile>;
  /** Undefined while root has no console password. */
  rootConsolePassword(accountId: AccountId): Promise<RootConsolePassword | undefined>;
  /** Accounts whose root has no console password yet, in ID order. */
  accountsWithoutRootPassword(): Promise<AccountId[]>;
  /** The account's preference, or the defaults with version 0 when it never set one. */
  securityPreference(accountId: AccountId): Promise<SecurityPreference>;
  /** By the SHA-256 (hex) of its ID, expired or not; undefined when none is stored. */
  consoleSession(idHash: string): Promise<ConsoleSessionRecord | undefined>;
}

/**
 * Mutations. Each appends its change record(s) to the change log in the transaction it runs
 * in; they are only reachable through `KeyFenceStore.write`, so every mutation is visibly
 * inside a transaction and several can commit together.
 */
export interface StoreWrites {
  createAccount(): Promise<Account>;

  createUser(accountId: AccountId, input: NewUser): Promise<RamUser>;
  updateUser(accountId: AccountId, userName: UserName, changes: UserChanges): Promise<RamUser>;
  /**
   * Fails with `DeleteConflict.User.AccessKey` while the user has keys and with
   * `DeleteConflict.User.Policy` while it has attached policies, as RAM does.
   */
  deleteUser(accountId: AccountId, userName: UserName): Promise<void>;
  /** Fails with `EntityAlreadyExists.User.Policy` when it is attached already. */
  attachPolicyToUser(
    accountId: AccountId,
    userName: UserName,
    policy: PolicyReference,
  ): Promise<UserPolicyAttachment>;
  /** Fails with `EntityNotExist.User.Policy` when it is not attached. */
  detachPolicyFromUser(accountId: AccountId, userName: UserName, policy: PolicyReference): Promise<void>;

  /** Fails with `LimitExceeded.User.AccessKey` beyond the per-user limit (root keys have none). */
  createAccessKey(
    accountId: AccountId,
    options?: { readonly userName?: UserName | null },
  ): Promise<CreatedAccessKey>;
  /** Many keys, optionally each with a policy, in few statements: bulk loading. */
  createAccessKeys(
    accountId: AccountId,
    requests: readonly NewAccessKey[],
    options: { readonly actor: string },
  ): Promise<CreatedAccessKey[]>;
  updateAccessKey(
    accountId: AccountId,
    accessKeyId: AccessKeyId,
    changes: { readonly status: AccessKeyStatus },
  ): Promise<AccessKey>;
  /** Removes the key's policy with it (recorded in the policy history as by `actor`). */
  deleteAccessKey(
    accountId: AccountId,
    accessKeyId: AccessKeyId,
    options: { readonly actor: string },
  ): Promise<void>;

  createRole(accountId: AccountId, input: NewRole): Promise<Role>;
  updateRole(accountId: AccountId, roleName: RoleName, changes: RoleChanges): Promise<Role>;
  deleteRole(accountId: AccountId, roleName: RoleName): Promise<void>;
  /** Stores the credentials AssumeRole hands out; whether the caller may assume the role is decided before. */
  issueTemporaryCredential(
    accountId: AccountId,
    roleName: RoleName,
    input: AssumeRoleInput,
  ): Promise<IssuedTemporaryCredential>;

  setPolicy(
    scope: PolicyScope,
    policy: CanonicalPolicyJson,
    options: PolicyWriteOptions,
  ): Promise<ScopePolicy>;
  rollbackPolicy(scope: PolicyScope, toVersion: number, options: PolicyWriteOptions): Promise<ScopePolicy>;
  /**
   * Stages the scope's report-only candidate, or with null removes it; answers it with the
   * change's version. Not a policy change: the policy history does not record it.
   */
  setPolicyCandidate(scope: PolicyScope, policy: CanonicalPolicyJson | null): Promise<ScopePolicy>;

  /*
   * Console data (docs/store.md, "Console data"). Only the security preference goes through the
   * change log; ending sessions is left to the caller, in the same transaction as its cause.
   */
  /** Fails with `EntityAlreadyExists.User.LoginProfile` when the user has one. */
  createLoginProfile(accountId: AccountId, userName: UserName, input: NewLoginProfile): Promise<LoginProfile>;
  updateLoginProfile(
    accountId: AccountId,
    userName: UserName,
    changes: LoginProfileChanges,
  ): Promise<LoginProfile>;
  deleteLoginProfile(accountId: AccountId, userName: UserName): Promise<void>;
  setRootConsolePassword(accountId: AccountId, passwordHash: string): Promise<RootConsolePassword>;
  /** Replaces the whole preference (merge a partial update first); a `security-preference.set` change. */
  setSecurityPreference(
    accountId: AccountId,
    settings: SecurityPreferenceSettings,
  ): Promise<SecurityPreference>;
  /** Created and last seen now. Fails with EntityNotExist.* when the account or user is gone. */
  createConsoleSession(input: NewConsoleSession): Promise<ConsoleSessionRecord>;
  /** Last seen now; false when no such session is stored. */
  touchConsoleSession(idHash: string): Promise<boolean>;
  /** Sign-out; false when no such session is stored. */
  deleteConsoleSession(idHash: string): Promise<boolean>;
  /** Ends the principal's sessions but `exceptIdHash`'s (a RAM user matched by user ID); returns how many. */
  deleteConsoleSessionsOf(
    accountId: AccountId,
    principal: ConsolePrincipal,
    exceptIdHash?: string,
  ): Promise<number>;
  /** Root accepted the risks of its AccessKeys, for this session; false when no such session. */
  acknowledgeRootAccessKeys(idHash: string): Promise<boolean>;
  /** Replaces the account's setup token (only its SHA-256 is stored). */
  putConsoleSetupToken(accountId: AccountId, tokenHash: string, expiresAt: Date): Promise<void>;
  /** Single use: deletes the token and answers its account if it had not expired, else undefined. */
  consumeConsoleSetupToken(tokenHash: string): Promise<AccountId | undefined>;
}

export interface StoreTransaction extends StoreReads, StoreWrites {
  /** As `KeyFenceStore.accessKeyPrincipals`, read in the transaction. */
  accessKeyPrincipals(accessKeyIds: readonly string[]): Promise<Map<string, AccessKeyPrincipal>>;
  /**
   * Stores the audit event of the call making this transaction's changes: it commits with them,
   * or not at all. An event ID already stored is skipped. Outside the change log.
   */
  appendAuditEvent(event: NewAuditEvent): Promise<void>;
}

export interface KeyFenceStore extends StoreReads {
  readonly dialect: 'sqlite' | 'postgres';

  /**
   * Runs `work` in one write transaction: all its changes commit together, or none do. Writers
   * are serialised (across processes too), and all reads inside see the latest committed state.
   * Use only `tx` inside `work`: on SQLite the store's own methods would wait for `work` to end.
   */
  write<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;

  /** The last committed change version (0 for an empty store). */
  currentVersion(): Promise<number>;
  /** At most `limit` (default 1000) change records after `version`, oldest first. */
  changesSince(version: number, limit?: number): Promise<ChangeRecord[]>;
  /** Calls `read` with a consistent snapshot; see `Snapshot`. Pages hold `pageSize` rows (default 10,000). */
  snapshot<T>(read: (snapshot: Snapshot) => Promise<T>, options?: { readonly pageSize?: number }): Promise<T>;
  /**
   * Tells `listener` the version of every write as it commits, on PostgreSQL (LISTEN/NOTIFY on
   * a dedicated connection, restored by itself after a loss); on SQLite nothing is pushed
   * (`pushes` is false) and readers poll `currentVersion`. Rejects when it cannot connect.
   */
  subscribeToChanges(listener: ChangeListener, options?: ChangeFeedOptions): Promise<ChangeSubscription>;

  /** Node status (docs/sync.md): stores a node's report of itself, stamped with the database's clock. */
  recordNode(report: NodeReport): Promise<void>;
  /** Every node's last report, with the database's clock at the time of reading. */
  listNodes(): Promise<NodeList>;
  /** Deletes the rows of nodes silent for longer than `silentForMs` (database clock); returns how many. */
  forgetSilentNodes(silentForMs: number): Promise<number>;

  /**
   * For request authentication only: the credential named by a request, with its secret
   * decrypted; undefined when no such permanent or temporary key exists.
   */
  revealCredentialForSigning(accessKeyId: string): Promise<SigningCredential | undefined>;
  /**
   * The expiry an STS SecurityToken this store issued for `accessKeyId` carries, read from the
   * token itself (authenticated with the master key); undefined for anything else. Lets a token
   * whose credential housekeeping has deleted still be answered as expired; it admits nothing.
   */
  securityTokenExpiry(accessKeyId: string, securityToken: string): Date | undefined;
  /** Last-used telemetry; kept out of the change log (see docs/store.md). */
  recordAccessKeyUse(uses: readonly AccessKeyUse[]): Promise<void>;
  /** Deletes expired temporary credentials; returns how many. */
  purgeExpiredTemporaryCredentials(): Promise<number>;
  /** Deletes console sessions past their expiry, outside the change-log lock; returns how many. */
  deleteExpiredConsoleSessions(): Promise<number>;

  /**
   * Replay protection across restarts and nodes (docs/auth.md, "Replay guard"): stores the
   * nonces not stored yet, in one transaction, outside the change log and its lock, and says for
   * each whether this call stored it (true: a first claim; false: some node claimed it before, or
   * it came earlier in `nonces`). Rejects with `Store.Database` having stored none.
   */
  claimSignatureNonces(nonces: readonly SignatureNonce[]): Promise<boolean[]>;
  /**
   * Deletes nonces expired for longer than SIGNATURE_NONCE_PURGE_GRACE_MS, a chunk per
   * transaction; returns how many.
   */
  purgeExpiredSignatureNonces(): Promise<number>;

  /**
   * The audit log (docs/audit.md). Appending is a plain batch insert, outside the change log
   * (high volume, and nothing is derived from it); an event ID already stored is skipped.
   */
  appendAuditEvents(events: readonly NewAuditEvent[]): Promise<void>;
  /** One page of one account's events; events without an account are never returned. */
  lookupAuditEvents(query: AuditEventQuery): Promise<AuditEventPage>;
  /**
   * Where an account's permanent AccessKeys (or one of them) were used from over a window of UTC
   * days, from the key-source rollups that storing events keeps (docs/audit.md): one row per
   * (key, source, VPC), summed over the days.
   */
  keySourceRollups(query: KeySourceRollupQuery): Promise<KeySourceRollup[]>;
  /** For the audit log: who holds each of these AccessKeys; unknown IDs are absent. */
  accessKeyPrincipals(accessKeyIds: readonly string[]): Promise<Map<string, AccessKeyPrincipal>>;

  /**
   * Retention (docs/audit.md, "Retention"), run by one node at a time: takes `lease`, or renews
   * it for its holder, unless another node holds it unexpired (the database's clock) or the run
   * for `lease.day` (or a later day) has finished; true when `lease.holder` holds it now.
   */
  takeDailyLease(lease: DailyLease): Promise<boolean>;
  /**
   * Frees `lease` if its holder still holds it, recording its day's run as finished when `done`;
   * true when it held it.
   */
  releaseDailyLease(lease: DailyLease, done: boolean): Promise<boolean>;
  /**
   * Deletes at most `limit` rows of `table` dated before the UTC day `beforeDay` (days since the
   * epoch), oldest first, in one statement and transaction; returns how many. Fewer than `limit`:
   * none older is left.
   */
  deleteRetainedBatch(table: RetainedTableName, beforeDay: number, limit: number): Promise<number>;

  close(): Promise<void>;
}
