import { takeRandomBytes } from '../../common/random-pool.js';
import { sha256Hex } from '../../common/sha256-hex.js';
import type { Caller } from '../../request/caller.js';
import {
  type AccountId,
  type ConsolePrincipal,
  type ConsoleSessionRecord,
  type KeyFenceStore,
  type NewConsoleSession,
  StoreError,
  type StoreTransaction,
} from '../../store/index.js';
import { consoleErrors } from '../errors/api-error.js';
import type { ChangeAudit } from '../rpc/change-audit.js';

/** A console caller: a session, as the action handlers see it. */
export type ConsoleCaller = Extract<Caller, { readonly type: 'console-session' }>;

/** A session found for a request, live. */
export interface LiveSession {
  readonly record: ConsoleSessionRecord;
  readonly caller: ConsoleCaller;
  /**
   * The RAM user's login profile says "must reset password at next logon": until it is changed,
   * the session may read itself, sign out and call ChangePassword, nothing else.
   */
  readonly passwordResetRequired: boolean;
}

/** A session just made: its ID goes to the browser once, in the cookie, and is stored nowhere. */
export interface NewSession extends LiveSession {
  readonly id: string;
}

/** A session about to be made: its caller is known before it is stored. */
export interface PreparedSession {
  readonly id: string;
  readonly caller: ConsoleCaller;
  readonly create: (tx: StoreTransaction) => Promise<NewSession>;
}

export interface SessionStart {
  readonly accountId: AccountId;
  readonly principal: ConsolePrincipal;
  readonly sourceIp: string;
  readonly userAgent: string;
  /** The account's `LoginSessionDuration`, in hours. */
  readonly durationHours: number;
  /** The login profile's `PasswordResetRequired` at sign-in. */
  readonly passwordResetRequired?: boolean;
}

// Rewriting last-seen on every request would make every read a write; this is idle timing's grain.
const TOUCH_AFTER_MS = 30_000;

/**
 * Console sessions, kept in the store so that any node serves any of them. The ID is 256 random
 * bits, given to the browser only; the store keys the session by its SHA-256. A session ends at
 * its expiry (the account's `LoginSessionDuration` after sign-in), after `idleTimeoutMinutes`
 * without a request, or when deleted (sign-out, password change, login profile disabled).
 */
export class ConsoleSessions {
  readonly #store: KeyFenceStore;
  readonly #idleMs: number;
  readonly #now: () => Date;

  constructor(store: KeyFenceStore, idleTimeoutMinutes: number, now: () => Date) {
    this.#store = store;
    this.#idleMs = idleTimeoutMinutes * 60_000;
    this.#now = now;
  }

  /**
   * A new session, under a new ID (never one the browser offered), made by `create` in a
   * transaction of the caller's (with the change that signs it in, and its audit event).
   */
  prepare(start: SessionStart): PreparedSession {
    const id = takeRandomBytes(32).toString('base64url');
    const idHash = sha256Hex(id);
    const caller: ConsoleCaller = {
      type: 'console-session',
      accountId: start.accountId,
      accessKeyId: null,
      principal: start.principal,
      sessionId: idHash,
    };
    const input: NewConsoleSession = {
      idHash,
      accountId: start.accountId,
      principal: start.principal,
      expiresAt: new Date(this.#now().getTime() + start.durationHours * 3_600_000),
      sourceIp: start.sourceIp,
      userAgent: start.userAgent.slice(0, 512),
      csrfToken: takeRandomBytes(32).toString('base64url'),
      authMethods: ['password'],
    };
    const passwordResetRequired = start.passwordResetRequired === true;
    return {
      id,
      caller,
      create: async (tx) => ({
        id,
        caller,
        record: await tx.createConsoleSession(input),
        passwordResetRequired,
      }),
    };
  }

  /** A new session on its own, its event (from `auditOf`) stored with it. */
  async start(
    start: SessionStart,
    auditOf: (caller: ConsoleCaller) => ChangeAudit | undefined,
  ): Promise<NewSession> {
    const prepared = this.prepare(start);
    const audit = auditOf(prepared.caller);
    return audit === undefined ? this.#store.write(prepared.create) : audit.write(prepared.create);
  }

  /**
   * The live session of `id`: `ConsoleSessionRequired` when there is none (never was, or was
   * ended), `ConsoleSessionExpired` past its expiry or idle limit (and then deleted). A RAM
   * user's `PasswordResetRequired` is read from its login profile at every request, so that the
   * flag set or cleared (by ChangePassword) holds at once, on every node.
   */
  async find(id: string | undefined): Promise<LiveSession> {
    if (id === undefined) throw consoleErrors.sessionRequired();
    const idHash = sha256Hex(id);
    const record = await this.#store.consoleSession(idHash);
    if (record === undefined) throw consoleErrors.sessionRequired();
    const now = this.#now().getTime();
    if (now >= record.expiresAt.getTime() || now - record.lastSeenAt.getTime() >= this.#idleMs) {
      await this.end(idHash);
      throw consoleErrors.sessionExpired();
    }
    if (now - record.lastSeenAt.getTime() >= TOUCH_AFTER_MS) {
      await this.#store.write((tx) => tx.touchConsoleSession(idHash));
    }
    return { record, caller: callerOf(record), passwordResetRequired: await this.#resetRequired(record) };
  }

  async #resetRequired({ accountId, principal }: ConsoleSessionRecord): Promise<boolean> {
    if (principal.type !== 'ram-user') return false;
    try {
      return (await this.#store.loginProfile(accountId, principal.userName)).passwordResetRequired;
    } catch (error) {
      // Deleting the profile ends the user's sessions; one found without it is ended all the same.
      if (error instanceof StoreError) throw consoleErrors.sessionRequired();
      throw error;
    }
  }

  async end(idHash: string): Promise<void> {
    await this.#store.write((tx) => tx.deleteConsoleSession(idHash));
  }
}

function callerOf(record: ConsoleSessionRecord): ConsoleCaller {
  return {
    type: 'console-session',
    accountId: record.accountId,
    accessKeyId: null,
    principal: record.principal,
    sessionId: record.idHash,
  };
}
