export {
  type AccessKeyId,
  type AccountId,
  isAccessKeyId,
  isAccountId,
  isRoleName,
  isTemporaryAccessKeyId,
  isUserName,
  type RoleId,
  type RoleName,
  type TemporaryAccessKeyId,
  type UserId,
  type UserName,
} from '../common/identifiers.js';
export type {
  ChangeFeedOptions,
  ChangeListener,
  ChangeSubscription,
} from './change-feed.js';
export type { ChangeKind, ChangeRecord } from './change-log/change-record.js';
export {
  type ConsolePrincipal,
  type ConsoleSessionRecord,
  DEFAULT_SECURITY_PREFERENCE,
  type LoginProfile,
  type LoginProfileChanges,
  type LoginProfileStatus,
  type NewConsoleSession,
  type NewLoginProfile,
  type RootConsolePassword,
  type SecurityPreference,
  type SecurityPreferenceSettings,
} from './console-entities.js';
export type {
  AccessKey,
  AccessKeyLastUsed,
  AccessKeyStatus,
  Account,
  CreatedAccessKey,
  IssuedTemporaryCredential,
  PolicyChange,
  PolicyScope,
  PolicyType,
  RamUser,
  Role,
  ScopePolicy,
  TemporaryCredential,
} from './entities.js';
export type { KeyFenceStore, StoreReads, StoreTransaction, StoreWrites } from './keyfence-store.js';
export { openStore, type StoreConfig, type StoreOptions } from './open-store.js';
export type { Page } from './page.js';
export type { PostgresStoreConfig } from './postgres/postgres-store-config.js';
export type { AccessKeyPrincipal } from './queries/access-key-principals.js';
export type { AccessKeyUse, NewAccessKey } from './queries/access-keys.js';
export type {
  AuditEventCursor,
  AuditEventFilter,
  AuditEventPage,
  AuditEventQuery,
  AuditEventRW,
  NewAuditEvent,
  StoredAuditEvent,
} from './queries/audit-events.js';
export type { KeySourceRollup, KeySourceRollupQuery } from './queries/key-source-rollups.js';
export type { NodeList, NodeRecord, NodeReport, NodeState } from './queries/nodes.js';
export type { HistoryPage, PolicyWriteOptions } from './queries/policies.js';
export type { PolicyReference, UserPolicyAttachment } from './queries/policy-attachments.js';
export { RETAINED_TABLE_NAMES, type RetainedTableName } from './queries/retention.js';
export type { NewRole, RoleChanges } from './queries/roles.js';
export type { SignatureNonce } from './queries/signature-nonces.js';
export type { DailyLease } from './queries/store-leases.js';
export type { AssumeRoleInput } from './queries/temporary-credentials.js';
export type { NewUser, UserChanges } from './queries/users.js';
export { MasterKey } from './secrets/master-key.js';
export {
  createMasterKeyFile,
  loadMasterKey,
  MASTER_KEY_ENV,
  MASTER_KEY_FILE_NAME,
  type MasterKeySource,
  masterKeySource,
  readMasterKeyFile,
} from './secrets/master-key-source.js';
export type { SigningSecret } from './secrets/signing-secret.js';
export type { SigningCredential } from './signing-credential.js';
export type {
  Snapshot,
  SnapshotAccessKey,
  SnapshotAccount,
  SnapshotCandidate,
  SnapshotPolicyAttachment,
  SnapshotSigningCredential,
} from './snapshot.js';
export { SQLITE_FILE_NAME, type SqliteStoreConfig } from './sqlite/sqlite-store-config.js';
export {
  isStoreError,
  PolicyVersionConflictError,
  StoreError,
  type StoreErrorCode,
  storeErrorMessages,
} from './store-error.js';
