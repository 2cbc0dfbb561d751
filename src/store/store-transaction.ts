import type { AccessKeyId, AccountId, RoleName, UserName } from '../common/identifiers.js';
import type { CanonicalPolicyJson } from '../policy/policy-document.js';
import type {
  ConsolePrincipal,
  LoginProfileChanges,
  NewConsoleSession,
  NewLoginProfile,
  SecurityPreferenceSettings,
} from './console-entities.js';
import type { AccessKeyStatus, PolicyScope } from './entities.js';
import type { StoreTransaction } from './keyfence-store.js';
import { accessKeyPrincipals } from './queries/access-key-principals.js';
import * as accessKeys from './queries/access-keys.js';
import * as accounts from './queries/accounts.js';
import { appendAuditEventInTransaction, type NewAuditEvent } from './queries/audit-events.js';
import * as loginProfiles from './queries/console-login-profiles.js';
import { setRootConsolePassword } from './queries/console-root-passwords.js';
import { setSecurityPreference } from './queries/console-security-preferences.js';
import * as consoleSessions from './queries/console-sessions.js';
import { consumeConsoleSetupToken, putConsoleSetupToken } from './queries/console-setup-tokens.js';
import * as policies from './queries/policies.js';
import * as policyAttachments from './queries/policy-attachments.js';
import { setPolicyCandidate } from './queries/policy-candidates.js';
import * as roles from './queries/roles.js';
import * as temporaryCredentials from './queries/temporary-credentials.js';
import * as users from './queries/users.js';
import { isStoreError } from './store-error.js';
import { StoreReader } from './store-reader.js';
import { guard } from './transaction.js';
import type { WriteContext } from './write-context.js';

/** Reads and writes inside one write transaction (see `KeyFenceStore.write`). */
export class KyselyStoreTransaction extends StoreReader implements StoreTransaction {
  readonly #tx: WriteContext;
  #databaseFailed = false;

  constructor(tx: WriteContext) {
    super(tx.db, tx.settings);
    this.#tx = tx;
  }

  /**
   * Whether a database call failed. It may have left the transaction half done (on PostgreSQL,
   * aborted), so the transaction must not commit even if `work` caught the error.
   */
  get databaseFailed(): boolean {
    return this.#databaseFailed;
  }

  protected override async run<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await guard(operation);
    } catch (error) {
      if (isStoreError(error, 'Store.Database')) this.#databaseFailed = true;
      throw error;
    }
  }

  createAccount() {
    return this.run(() => accounts.createAccount(this.#tx));
  }

  createUser(accountId: AccountId, input: users.NewUser) {
    return this.run(() => users.createUser(this.#tx, accountId, input));
  }

  updateUser(accountId: AccountId, userName: UserName, changes: users.UserChanges) {
    return this.run(() => users.updateUser(this.#tx, accountId, userName, changes));
  }

  deleteUser(accountId: AccountId, userName: UserName) {
    return this.run(() => users.deleteUser(this.#tx, accountId, userName));
  }

  attachPolicyToUser(accountId: AccountId, userName: UserName, policy: policyAttachments.PolicyReference) {
    return this.run(() => policyAttachments.attachPolicyToUser(this.#tx, accountId, userName, policy));
  }

  detachPolicyFromUser(accountId: AccountId, userName: UserName, policy: policyAttachments.PolicyReference) {
    return this.run(() => policyAttachments.detachPolicyFromUser(this.#tx, accountId, userName, policy));
  }

  async createAccessKey(accountId: AccountId, options: { readonly userName?: UserName | null } = {}) {
    const request = { userName: options.userName ?? null };
    // No policy is set, so the actor is never recorded.
    const [created] = await this.run(() => accessKeys.createAccessKeys(this.#tx, accountId, [request], ''));
    return created!;
  }

  createAccessKeys(
    accountId: AccountId,
    requests: readonly accessKeys.NewAccessKey[],
    options: { readonly actor: string },
  ) {
    return this.run(() => accessKeys.createAccessKeys(this.#tx, accountId, requests, options.actor));
  }

  updateAccessKey(
    accountId: AccountId,
    accessKeyId: AccessKeyId,
    changes: { readonly status: AccessKeyStatus },
  ) {
    return this.run(() => accessKeys.updateAccessKey(this.#tx, accountId, accessKeyId, changes.status));
  }

  deleteAccessKey(accountId: AccountId, accessKeyId: AccessKeyId, options: { readonly actor: string }) {
    return this.run(() => accessKeys.deleteAccessKey(this.#tx, accountId, accessKeyId, options.actor));
  }

  createRole(accountId: AccountId, input: roles.NewRole) {
    return this.run(() => roles.createRole(this.#tx, accountId, input));
  }

  updateRole(accountId: AccountId, roleName: RoleName, changes: roles.RoleChanges) {
    return this.run(() => roles.updateRole(this.#tx, accountId, roleName, changes));
  }

  deleteRole(accountId: AccountId, roleName: RoleName) {
    return this.run(() => roles.deleteRole(this.#tx, accountId, roleName));
  }

  issueTemporaryCredential(
    accountId: AccountId,
    roleName: RoleName,
    input: temporaryCredentials.AssumeRoleInput,
  ) {
    return this.run(() =>
      temporaryCredentials.issueTemporaryCredential(this.#tx, accountId, roleName, input),
    );
  }

  setPolicy(scope: PolicyScope, policy: CanonicalPolicyJson, options: policies.PolicyWriteOptions) {
    return this.run(() => policies.setPolicy(this.#tx, scope, policy, options));
  }

  rollbackPolicy(scope: PolicyScope, toVersion: number, options: policies.PolicyWriteOptions) {
    return this.run(() => policies.rollbackPolicy(this.#tx, scope, toVersion, options));
  }

  setPolicyCandidate(scope: PolicyScope, policy: CanonicalPolicyJson | null) {
    return this.run(() => setPolicyCandidate(this.#tx, scope, policy));
  }

  createLoginProfile(accountId: AccountId, userName: UserName, input: NewLoginProfile) {
    return this.run(() => loginProfiles.createLoginProfile(this.#tx, accountId, userName, input));
  }

  updateLoginProfile(accountId: AccountId, userName: UserName, changes: LoginProfileChanges) {
    return this.run(() => loginProfiles.updateLoginProfile(this.#tx, accountId, userName, changes));
  }

  deleteLoginProfile(accountId: AccountId, userName: UserName) {
    return this.run(() => loginProfiles.deleteLoginProfile(this.#tx, accountId, userName));
  }

  setRootConsolePassword(accountId: AccountId, passwordHash: string) {
    return this.run(() => setRootConsolePassword(this.#tx, accountId, passwordHash));
  }

  setSecurityPreference(accountId: AccountId, settings: SecurityPreferenceSettings) {
    return this.run(() => setSecurityPreference(this.#tx, accountId, settings));
  }

  createConsoleSession(input: NewConsoleSession) {
    return this.run(() => consoleSessions.createConsoleSession(this.#tx, input));
  }

  touchConsoleSession(idHash: string) {
    return this.run(() => consoleSessions.touchConsoleSession(this.#tx, idHash));
  }

  deleteConsoleSession(idHash: string) {
    return this.run(() => consoleSessions.deleteConsoleSession(this.#tx, idHash));
  }

  deleteConsoleSessionsOf(accountId: AccountId, principal: ConsolePrincipal, exceptIdHash?: string) {
    return this.run(() =>
      consoleSessions.deleteConsoleSessionsOf(this.#tx, accountId, principal, exceptIdHash),
    );
  }

  acknowledgeRootAccessKeys(idHash: string) {
    return this.run(() => consoleSessions.acknowledgeRootAccessKeys(this.#tx, idHash));
  }

  putConsoleSetupToken(accountId: AccountId, tokenHash: string, expiresAt: Date) {
    return this.run(() => putConsoleSetupToken(this.#tx, accountId, tokenHash, expiresAt));
  }

  consumeConsoleSetupToken(tokenHash: string) {
    return this.run(() => consumeConsoleSetupToken(this.#tx, tokenHash));
  }

  accessKeyPrincipals(accessKeyIds: readonly string[]) {
    return this.run(() => accessKeyPrincipals(this.#tx.db, accessKeyIds));
  }

  appendAuditEvent(event: NewAuditEvent) {
    return this.run(() => appendAuditEventInTransaction(this.#tx.db, event));
  }
}
