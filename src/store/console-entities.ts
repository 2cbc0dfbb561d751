import type { AccountId, UserId, UserName } from '../common/identifiers.js';

/**
 * What the store holds for the web console (docs/store.md, "Console data"). Password hashes are
 * one-way (src/auth/password-hash.ts) and are read back only to verify a sign-in; the API never
 * answers them.
 */

export type LoginProfileStatus = 'Active' | 'Inactive';

/** A RAM user's console password (IMS's LoginProfile). */
export interface LoginProfile {
  readonly accountId: AccountId;
  readonly userName: UserName;
  readonly userPrincipalName: string;
  readonly passwordHash: string;
  readonly passwordResetRequired: boolean;
  /** Stored so that it survives; not enforced until the console has MFA. */
  readonly mfaBindRequired: boolean;
  /** An Inactive profile signs nobody in. */
  readonly status: LoginProfileStatus;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewLoginProfile {
  readonly passwordHash: string;
  readonly passwordResetRequired?: boolean;
  readonly mfaBindRequired?: boolean;
  readonly status?: LoginProfileStatus;
}

export interface LoginProfileChanges {
  readonly passwordHash?: string;
  readonly passwordResetRequired?: boolean;
  readonly mfaBindRequired?: boolean;
  readonly status?: LoginProfileStatus;
}

/** The account's root identity's console password. */
export interface RootConsolePassword {
  readonly accountId: AccountId;
  readonly passwordHash: string;
  readonly updatedAt: Date;
}

/**
 * IMS's security preference, plus KeyFence's own settings stored beside it. An account that
 * never set one reads `DEFAULT_SECURITY_PREFERENCE` with version 0.
 */
export interface SecurityPreferenceSettings {
  /** Hours, 1–24. */
  readonly loginSessionDuration: number;
  readonly allowUserToChangePassword: boolean;
  /** Stored; not enforced yet. */
  readonly allowUserToManageAccessKeys: boolean;
  /** Canonical CIDRs joined with `;`; the empty string allows any network. */
  readonly loginNetworkMasks: string;
  /** After how many days an AccessKey is shown as due for rotation. */
  readonly accessKeyRotationDays: number;
  /** The impact preview's default window, in days. */
  readonly impactPreviewDays: number;
}

export interface SecurityPreference extends SecurityPreferenceSettings {
  /** The change-log version that set it; 0 while it was never set. */
  readonly version: number;
}

export const DEFAULT_SECURITY_PREFERENCE: SecurityPreferenceSettings = {
  loginSessionDuration: 6,
  allowUserToChangePassword: true,
  allowUserToManageAccessKeys: false,
  loginNetworkMasks: '',
  accessKeyRotationDays: 90,
  impactPreviewDays: 30,
};

/** Who a console session signed in as. A RAM user is matched by its immutable ID. */
export type ConsolePrincipal =
  | { readonly type: 'root' }
  | { readonly type: 'ram-user'; readonly userId: UserId; readonly userName: UserName };

/** A console session as stored; the session ID itself is never stored, only its SHA-256. */
export interface ConsoleSessionRecord {
  /** SHA-256 (hex) of the session ID the cookie carries. */
  readonly idHash: string;
  readonly accountId: AccountId;
  /** A RAM user's name follows a rename of the user. */
  readonly principal: ConsolePrincipal;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly expiresAt: Date;
  /** The source address at sign-in. */
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly csrfToken: string;
  /** How the principal proved who it is, in order, e.g. `['password']`. */
  readonly authMethods: readonly string[];
  readonly rootAccessKeyAcknowledged: boolean;
}

export interface NewConsoleSession {
  readonly idHash: string;
  readonly accountId: AccountId;
  readonly principal: ConsolePrincipal;
  readonly expiresAt: Date;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly csrfToken: string;
  readonly authMethods: readonly string[];
}
