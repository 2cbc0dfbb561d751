import type {
  AccessKeyId,
  AccountId,
  ConsolePrincipal,
  RoleId,
  RoleName,
  TemporaryAccessKeyId,
  UserId,
  UserName,
} from '../store/index.js';

/**
 * Who made a request, once authenticated: the holder of the AccessKey that signed it, or a console
 * session. Everything an action may do is scoped to `accountId`. The user and role IDs come with
 * the credential (or the session), so naming the caller needs no database.
 */
export type Caller =
  | {
      readonly type: 'root-account';
      readonly accountId: AccountId;
      readonly accessKeyId: AccessKeyId;
    }
  | {
      readonly type: 'ram-user';
      readonly accountId: AccountId;
      readonly accessKeyId: AccessKeyId;
      readonly userName: UserName;
      readonly userId: UserId;
    }
  | {
      readonly type: 'assumed-role';
      readonly accountId: AccountId;
      readonly accessKeyId: TemporaryAccessKeyId;
      readonly roleName: RoleName;
      readonly roleId: RoleId;
      readonly roleSessionName: string;
    }
  | {
      /** Signed in to the web console with a password: no AccessKey is involved. */
      readonly type: 'console-session';
      readonly accountId: AccountId;
      /** A console session signs nothing: no key to name, to decide on or to lock out. */
      readonly accessKeyId: null;
      readonly principal: ConsolePrincipal;
      /** SHA-256 (hex) of the session ID: names the session in audit events without revealing it. */
      readonly sessionId: string;
    };

/** Who a console session belongs to: the account's root identity, or one of its RAM users. */
export type { ConsolePrincipal };

/** A caller that signed with an AccessKey: every caller but a console session. */
export type KeyCaller = Exclude<Caller, { readonly type: 'console-session' }>;

/**
 * For the places a console session cannot reach (forward-auth, the gateway: they decide on
 * AccessKeys only): a console caller there is a programming error, said loudly.
 */
export function keyCallerOnly(caller: Caller): KeyCaller {
  if (caller.type === 'console-session') {
    throw new Error('a console session reached a path that only AccessKey callers reach');
  }
  return caller;
}
