import { dummyVerify, type ScryptParameters, verifyPassword } from '../../auth/password-hash.js';
import type { ConsoleUser } from '../../request/request-record.js';
import type { AccountId, ConsolePrincipal, KeyFenceStore } from '../../store/index.js';
import { isAccountId, type RamUser, StoreError } from '../../store/index.js';
import { consoleErrors } from '../errors/api-error.js';
import type { ConsoleAudit, ConsoleRequest } from './console-audit.js';
import type { ConsoleSessions, NewSession } from './console-sessions.js';
import { LogonMask } from './logon-mask.js';
import type { SigninThrottle } from './signin-throttle.js';

/** Why a sign-in failed, as its audit event says (the client is told none of it). */
export type SigninFailure =
  | 'UnknownAccount'
  | 'UnknownUser'
  | 'NoPassword'
  | 'NoLoginProfile'
  | 'LoginProfileInactive'
  | 'WrongPassword';

/** A principal found by its sign-in name, with what its password is checked against. */
interface Claimant {
  readonly accountId: AccountId;
  readonly principal: ConsolePrincipal;
  /** Undefined when it cannot sign in: the reason is `refusal`. */
  readonly passwordHash: string | undefined;
  readonly refusal?: SigninFailure;
  /** The login profile's "must reset password at next logon". */
  readonly passwordResetRequired?: boolean;
}

/** A sign-in name that names no one who may sign in, and whom the event then names, if anyone. */
interface Stranger {
  readonly refusal: SigninFailure;
  readonly consoleUser: ConsoleUser | null;
}

const UPN = /^([^@\s]{1,64})@([0-9]{16})\.onaliyun\.com$/i;

export interface ConsoleSigninOptions {
  readonly store: KeyFenceStore;
  readonly sessions: ConsoleSessions;
  readonly throttle: SigninThrottle;
  readonly audit: ConsoleAudit;
  /** The cost of the stand-in check for principals without a password: the default hash's. */
  readonly dummyHashParameters?: ScryptParameters;
}

/**
 * Console sign-in (docs/server.md, "Console"), a state machine: password, then a second factor
 * (no step yet: MFA comes later, and `authMethods` will say which were used), then the session.
 * Every failure before the session is the one `ConsoleSigninFailed`; a principal that does not
 * exist costs a password check all the same. The logon mask is checked only once the password
 * matched, so that its answer tells nothing to whoever does not know it.
 */
export class ConsoleSignin {
  readonly #options: ConsoleSigninOptions;

  constructor(options: ConsoleSigninOptions) {
    this.#options = options;
  }

  async signIn(request: ConsoleRequest, name: string, password: string): Promise<NewSession> {
    const { throttle, audit } = this.#options;
    const ip = request.source.ip;
    const wait = throttle.waitSeconds(name, ip);
    if (wait > 0) {
      // Named after whom it claims (a few reads, no password check), so that account's
      // LookupEvents shows the attempts held back, not only the failures before them.
      const consoleUser = consoleUserOf(await this.#find(name));
      audit.signin(request, { caller: null, consoleUser }, failed('ConsoleSigninThrottled', 429));
      throw consoleErrors.signinThrottled(wait);
    }
    const found = await this.#find(name);
    const matched = await this.#passwordStep(found, password);
    if (!('accountId' in found) || !matched) {
      const reason = found.refusal ?? 'WrongPassword';
      throttle.failed(name, ip);
      audit.signin(
        request,
        { caller: null, consoleUser: consoleUserOf(found) },
        failed(`ConsoleSigninFailed.${reason}`, 401),
      );
      throw consoleErrors.signinFailed();
    }
    this.#secondFactorStep();
    const preference = await this.#options.store.securityPreference(found.accountId);
    if (!LogonMask.of(preference.loginNetworkMasks).allows(ip)) {
      audit.signin(
        request,
        { caller: null, consoleUser: userOf(found) },
        failed('ConsoleLogonMaskDenied', 403),
      );
      throw consoleErrors.logonMaskDenied(ip);
    }
    throttle.succeeded(name);
    return this.#options.sessions.start(
      {
        accountId: found.accountId,
        principal: found.principal,
        sourceIp: ip,
        userAgent: request.userAgent ?? '',
        durationHours: preference.loginSessionDuration,
        passwordResetRequired: found.passwordResetRequired === true,
      },
      (session) =>
        audit.changeAudit(request, { action: 'ConsoleSignin', product: null, params: {}, caller: session }),
    );
  }

  async #passwordStep(found: Claimant | Stranger, password: string): Promise<boolean> {
    const hash = 'accountId' in found ? found.passwordHash : undefined;
    if (hash === undefined) return dummyVerify(password, this.#options.dummyHashParameters);
    try {
      return await verifyPassword(password, hash);
    } catch {
      // A stored hash that does not parse signs nobody in.
      return false;
    }
  }

  /** No second factor exists yet: the password alone proves the principal. */
  #secondFactorStep(): void {}

  async #find(name: string): Promise<Claimant | Stranger> {
    const { store } = this.#options;
    const trimmed = name.trim();
    if (isAccountId(trimmed)) {
      if (!(await exists(() => store.getAccount(trimmed))))
        return { refusal: 'UnknownAccount', consoleUser: null };
      const root = await store.rootConsolePassword(trimmed);
      return root === undefined
        ? { accountId: trimmed, principal: { type: 'root' }, passwordHash: undefined, refusal: 'NoPassword' }
        : { accountId: trimmed, principal: { type: 'root' }, passwordHash: root.passwordHash };
    }
    const upn = UPN.exec(trimmed);
    const accountId = upn?.[2];
    if (upn === null || accountId === undefined || !isAccountId(accountId)) {
      return { refusal: 'UnknownAccount', consoleUser: null };
    }
    let user: RamUser;
    try {
      user = await store.getUserByPrincipalName(trimmed);
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      const known = await exists(() => store.getAccount(accountId));
      return known
        ? {
            refusal: 'UnknownUser',
            consoleUser: { accountId, principal: { type: 'ram-user', userName: upn[1]!, userId: null } },
          }
        : { refusal: 'UnknownAccount', consoleUser: null };
    }
    const principal: ConsolePrincipal = { type: 'ram-user', userId: user.userId, userName: user.userName };
    const claimant = { accountId: user.accountId, principal };
    try {
      const profile = await store.loginProfile(user.accountId, user.userName);
      return profile.status === 'Active'
        ? {
            ...claimant,
            passwordHash: profile.passwordHash,
            passwordResetRequired: profile.passwordResetRequired,
          }
        : { ...claimant, passwordHash: undefined, refusal: 'LoginProfileInactive' };
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      return { ...claimant, passwordHash: undefined, refusal: 'NoLoginProfile' };
    }
  }
}

function failed(errorCode: string, httpStatus: number) {
  return { httpStatus, errorCode, errorMessage: null };
}

function userOf({ accountId, principal }: Claimant): ConsoleUser {
  return { accountId, principal };
}

function consoleUserOf(found: Claimant | Stranger): ConsoleUser | null {
  return 'accountId' in found ? userOf(found) : found.consoleUser;
}

async function exists(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return true;
  } catch (error) {
    if (error instanceof StoreError) return false;
    throw error;
  }
}
