import type { Kysely } from 'kysely';
import type {
  AccessKeyId,
  AccountId,
  RoleName,
  TemporaryAccessKeyId,
  UserName,
} from '../common/identifiers.js';
import type { PolicyScope } from './entities.js';
import type { StoreReads } from './keyfence-store.js';
import type { Page } from './page.js';
import * as accessKeys from './queries/access-keys.js';
import * as accounts from './queries/accounts.js';
import { getLoginProfile } from './queries/console-login-profiles.js';
import { accountsWithoutRootPassword, getRootConsolePassword } from './queries/console-root-passwords.js';
import { getSecurityPreference } from './queries/console-security-preferences.js';
import { getConsoleSession } from './queries/console-sessions.js';
import * as policies from './queries/policies.js';
import * as policyAttachments from './queries/policy-attachments.js';
import { getPolicyCandidate } from './queries/policy-candidates.js';
import * as roles from './queries/roles.js';
import * as temporaryCredentials from './queries/temporary-credentials.js';
import * as users from './queries/users.js';
import type { StoreDatabase } from './schema/database.js';
import type { StoreSettings } from './store-settings.js';
import { guard } from './transaction.js';

/** The read half of the store over a connection: the whole database, or one transaction's. */
export class StoreReader implements StoreReads {
  protected readonly db: Kysely<StoreDatabase>;
  protected readonly settings: StoreSettings;

  constructor(db: Kysely<StoreDatabase>, settings: StoreSettings) {
    this.db = db;
    this.settings = settings;
  }

  protected run<T>(operation: () => Promise<T>): Promise<T> {
    return guard(operation);
  }

  getAccount(accountId: AccountId) {
    return this.run(() => accounts.getAccount(this.db, accountId));
  }

  listAccounts(page?: Page<AccountId>) {
    return this.run(() => accounts.listAccounts(this.db, page));
  }

  getUser(accountId: AccountId, userName: UserName) {
    return this.run(() => users.getUser(this.db, this.settings, accountId, userName));
  }

  getUserByPrincipalName(userPrincipalName: string) {
    return this.run(() => users.getUserByPrincipalName(this.db, this.settings, userPrincipalName));
  }

  listUsers(accountId: AccountId, page?: Page<UserName>) {
    return this.run(() => users.listUsers(this.db, this.settings, accountId, page));
  }

  listPoliciesForUser(accountId: AccountId, userName: UserName) {
    return this.run(() => policyAttachments.listPoliciesForUser(this.db, accountId, userName));
  }

  getAccessKey(accountId: AccountId, accessKeyId: AccessKeyId) {
    return this.run(() => accessKeys.getAccessKey(this.db, accountId, accessKeyId));
  }

  listAccessKeys(accountId: AccountId, filter?: { readonly owner?: UserName | null }) {
    return this.run(() => accessKeys.listAccessKeys(this.db, accountId, filter));
  }

  getRole(accountId: AccountId, roleName: RoleName) {
    return this.run(() => roles.getRole(this.db, accountId, roleName));
  }

  listRoles(accountId: AccountId, page?: Page<RoleName>) {
    return this.run(() => roles.listRoles(this.db, accountId, page));
  }

  getTemporaryCredential(accessKeyId: TemporaryAccessKeyId) {
    return this.run(() => temporaryCredentials.getTemporaryCredential(this.db, accessKeyId));
  }

  getPolicy(scope: PolicyScope) {
    return this.run(() => policies.getPolicy(this.db, scope));
  }

  listPolicyHistory(scope: PolicyScope, page?: policies.HistoryPage) {
    return this.run(() => policies.listPolicyHistory(this.db, scope, page));
  }

  getPolicyCandidate(scope: PolicyScope) {
    return this.run(() => getPolicyCandidate(this.db, scope));
  }

  loginProfile(accountId: AccountId, userName: UserName) {
    return this.run(() => getLoginProfile(this.db, this.settings, accountId, userName));
  }

  rootConsolePassword(accountId: AccountId) {
    return this.run(() => getRootConsolePassword(this.db, accountId));
  }

  accountsWithoutRootPassword() {
    return this.run(() => accountsWithoutRootPassword(this.db));
  }

  securityPreference(accountId: AccountId) {
    return this.run(() => getSecurityPreference(this.db, accountId));
  }

  consoleSession(idHash: string) {
    return this.run(() => getConsoleSession(this.db, idHash));
  }
}
