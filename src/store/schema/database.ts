import type { Generated } from 'kysely';

/**
 * The tables as Kysely sees them. Times are milliseconds since the epoch and versions are
 * change-log versions, both in 64-bit integer columns: one representation on SQLite and
 * PostgreSQL alike. Absent optional values are NULL, never empty strings.
 */
export interface StoreDatabase {
  keyfence_migrations: MigrationTable;
  keyfence_meta: MetaTable;
  change_counter: ChangeCounterTable;
  change_log: ChangeLogTable;
  accounts: AccountTable;
  users: UserTable;
  access_keys: AccessKeyTable;
  roles: RoleTable;
  temporary_credentials: TemporaryCredentialTable;
  policy_history: PolicyHistoryTable;
  user_policy_attachments: UserPolicyAttachmentTable;
  audit_events: AuditEventTable;
  nodes: NodeTable;
  signature_nonces: SignatureNonceTable;
  store_leases: StoreLeaseTable;
  key_source_rollups: KeySourceRollupTable;
  login_profiles: LoginProfileTable;
  root_console_passwords: RootConsolePasswordTable;
  security_preferences: SecurityPreferenceTable;
  console_sessions: ConsoleSessionTable;
  console_setup_tokens: ConsoleSetupTokenTable;
}

export interface MigrationTable {
  name: string;
  applied_at: number;
}

export interface MetaTable {
  name: string;
  value: string;
}

/** One row (id 1): the last version handed out. Its row lock is the store's write lock. */
export interface ChangeCounterTable {
  id: number;
  version: number;
}

export interface ChangeLogTable {
  version: number;
  kind: string;
  account_id: string;
  access_key_id: string | null;
  user_name: string | null;
  role_name: string | null;
  status: string | null;
  policy: string | null;
  /** Rarely needed fields of some kinds, as a JSON object. */
  detail: string | null;
  at: number;
}

export interface AccountTable {
  account_id: string;
  created_at: number;
  policy: string | null;
  /** Version of the change that set `policy`; 0 while it was never set. */
  policy_version: number;
  /** The report-only candidate policy (docs/server.md); NULL when none is staged. */
  candidate: string | null;
  /** Version of the change that staged `candidate`; 0 when none is staged. */
  candidate_version: Generated<number>;
  /** Entry descriptions and parked entries (src/policy/entry-metadata.ts); NULL when none. */
  entry_metadata: string | null;
  /** While a change of `policy` awaits confirmation: its deadline, and what to restore after it. */
  revert_at: number | null;
  revert_policy: string | null;
  revert_entry_metadata: string | null;
  /** The first call let in under a confirmed change (JSON); NULL when none was recorded. */
  first_pass: string | null;
}

export interface UserTable {
  account_id: string;
  user_name: string;
  user_id: string;
  display_name: string;
  comments: string;
  created_at: number;
  updated_at: number;
  /** The last console sign-in; NULL for never. */
  last_login_at: number | null;
}

export interface AccessKeyTable {
  access_key_id: string;
  account_id: string;
  /** NULL for a key of the account's root identity. */
  user_name: string | null;
  status: string;
  sealed_secret: string;
  created_at: number;
  updated_at: number;
  last_used_at: number | null;
  last_used_service: string | null;
  policy: string | null;
  policy_version: number;
  candidate: string | null;
  candidate_version: Generated<number>;
  entry_metadata: string | null;
  revert_at: number | null;
  revert_policy: string | null;
  revert_entry_metadata: string | null;
  first_pass: string | null;
}

export interface RoleTable {
  account_id: string;
  role_name: string;
  role_id: string;
  description: string;
  assume_role_policy: string;
  max_session_duration: number;
  created_at: number;
  updated_at: number;
}

export interface TemporaryCredentialTable {
  access_key_id: string;
  account_id: string;
  role_name: string;
  role_session_name: string;
  source_identity: string;
  sealed_secret: string;
  /** SHA-256 (hex) of the SecurityToken: enough to check one, useless to forge one. */
  security_token_sha256: string;
  expires_at: number;
  created_at: number;
}

export interface PolicyHistoryTable {
  /** The version of the change that made this policy change. */
  version: number;
  account_id: string;
  /** NULL for the account-level policy. */
  access_key_id: string | null;
  actor: string;
  at: number;
  policy_before: string | null;
  policy_after: string | null;
  rolled_back_to: number | null;
  /** The scope's entry metadata before and after the change; NULL for none. */
  entry_metadata_before: string | null;
  entry_metadata_after: string | null;
}

/** One API call (src/audit/). `event` is the whole event as JSON; the other columns are what lookups filter on. */
export interface AuditEventTable {
  event_id: string;
  /** NULL when the caller could not be established (docs/audit.md). */
  account_id: string | null;
  event_time: number;
  request_id: string;
  access_key_id: string | null;
  user_name: string | null;
  event_name: string | null;
  service_name: string | null;
  event_rw: string;
  source_ip: string;
  /** NULL for a call that succeeded. */
  error_code: string | null;
  event: string;
  /** The change-log version the deciding node enforced; NULL without a decision. */
  applied_version: number | null;
}

/**
 * A permanent AccessKey's calls from one source on one UTC day (src/store/rollups/), summed by
 * additive upserts as audit events are stored. `vpc_id` is the empty string for calls from no
 * VPC, not NULL: it is part of the key, and NULLs never conflict in a unique key.
 */
export interface KeySourceRollupTable {
  account_id: string;
  access_key_id: string;
  /** The UTC day's first millisecond. */
  day: number;
  /** Canonical text (an IPv4-mapped address as IPv4). */
  source_ip: string;
  vpc_id: string;
  /** Calls that succeeded. */
  allowed: number;
  /** Calls denied by a network ACL (`InvalidAccessKeyId.AccessPolicyDenied`). */
  denied: number;
  /** Calls that failed otherwise. */
  failed: number;
  first_seen: number;
  last_seen: number;
  /** Calls per service code, as JSON (src/store/rollups/service-calls.ts). */
  services: string;
  /** Of all the calls, those a report-only candidate would have denied. */
  candidate_denied_calls: number;
}

/** One KeyFence node's own report of the version it enforces (src/sync/node-heartbeat.ts). */
export interface NodeTable {
  node_id: string;
  /** The URL the node serves its API at, as it sees it; NULL when unknown. */
  address: string | null;
  /** `serving`, or `stopped` once it shut down gracefully. */
  state: string;
  applied_version: number;
  /** How often the node writes this row: a row older than a few heartbeats is stale. */
  heartbeat_ms: number;
  /** The node's own clock. */
  started_at: number;
  /** The database's clock at the last write. */
  updated_at: number;
}

export interface UserPolicyAttachmentTable {
  account_id: string;
  user_name: string;
  /** `System`: KeyFence has no custom policies. */
  policy_type: string;
  policy_name: string;
  attached_at: number;
}

/** A signature nonce some node accepted (src/store/queries/signature-nonces.ts). */
export interface SignatureNonceTable {
  /** Until when a request carrying it could pass the time check: its signed time plus the window. */
  expires_at: number;
  /** Of the AccessKeyId, the nonce and the signed time; opaque to the store. */
  digest: string;
}

/** A daily task one node at a time runs for the whole deployment (src/store/queries/store-leases.ts). */
export interface StoreLeaseTable {
  /** The task (`retention`). */
  name: string;
  /** The node ID running it; NULL when nobody is. */
  holder: string | null;
  /** The database's clock: after this the lease is anyone's. */
  expires_at: number;
  /** The last UTC day (days since the epoch) whose run finished; NULL before the first. */
  done_day: number | null;
}

/** A RAM user's console password (IMS's LoginProfile). Booleans are 0 or 1. */
export interface LoginProfileTable {
  account_id: string;
  user_name: string;
  /** `scrypt$N$r$p$salt$hash` (src/auth/password-hash.ts). */
  password_hash: string;
  password_reset_required: number;
  mfa_bind_required: number;
  /** `Active` or `Inactive`. */
  status: string;
  created_at: number;
  updated_at: number;
}

export interface RootConsolePasswordTable {
  account_id: string;
  password_hash: string;
  updated_at: number;
}

/** An account's security preference; no row means the defaults. Booleans are 0 or 1. */
export interface SecurityPreferenceTable {
  account_id: string;
  /** Hours. */
  login_session_duration: number;
  allow_user_to_change_password: number;
  allow_user_to_manage_access_keys: number;
  /** Canonical CIDRs joined with `;`; empty for any network. */
  login_network_masks: string;
  access_key_rotation_days: number;
  impact_preview_days: number;
  /** The change-log version that set it. */
  version: number;
}

/** One console session (src/server/console/), read on every console request. */
export interface ConsoleSessionTable {
  /** SHA-256 (hex) of the 256-bit random session ID; the ID itself is never stored. */
  id_hash: string;
  account_id: string;
  /** `root` or `ram-user`. */
  principal_type: string;
  /** NULL for root. */
  user_id: string | null;
  /** NULL for root; follows a rename of the user. */
  user_name: string | null;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  source_ip: string;
  user_agent: string;
  csrf_token: string;
  /** A JSON array, e.g. `["password"]`. */
  auth_methods: string;
  root_access_key_acknowledged: number;
}

/** The single-use link that sets a root console password; at most one per account. */
export interface ConsoleSetupTokenTable {
  /** SHA-256 (hex) of the token. */
  token_hash: string;
  account_id: string;
  expires_at: number;
}
