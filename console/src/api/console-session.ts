/** What `GET /console/api/session` answers for a signed-in caller (the server's ConsoleSession). */
export interface ConsoleSession {
  readonly AccountId: string;
  readonly Identity:
    | { readonly Type: 'root' }
    | { readonly Type: 'ram-user'; readonly UserName: string; readonly UserPrincipalName: string };
  readonly CsrfToken: string;
  readonly ExpiresAt: string;
  /** The RAM-style actions this caller may use, e.g. `ram:ListUsers`: menus show only these. */
  readonly Permissions: readonly string[];
  readonly RootAccessKeyAcknowledged: boolean;
  readonly ClientIp: string;
  readonly NodeId: string;
  readonly PolicyVersion: number;
  readonly NodeStale: boolean;
  readonly ExemptServices: readonly string[];
  readonly PolicyLimits: { readonly MaxStatements: number; readonly MaxEntriesPerStatement: number };
  readonly RotationDays: number;
  readonly PreviewWindowDays: number;
  readonly RetentionDays: number;
  /**
   * The RAM user's login profile requires a new password: until ChangePassword succeeds, the
   * server refuses every other action (ConsolePasswordResetRequired) and `Permissions` is empty.
   */
  readonly PasswordResetRequired: boolean;
}

export const isRoot = (session: ConsoleSession): boolean => session.Identity.Type === 'root';

/** How the top bar names the caller: `root`, or the RAM user's principal name. */
export const identityLabel = (session: ConsoleSession): string =>
  session.Identity.Type === 'root' ? 'root' : session.Identity.UserPrincipalName;

export const may = (session: ConsoleSession, ramAction: string): boolean =>
  session.Identity.Type === 'root' || session.Permissions.includes(ramAction);
