import type {
  AccessKeyId,
  AccountId,
  RoleId,
  RoleName,
  TemporaryAccessKeyId,
  UserId,
  UserName,
} from '../common/identifiers.js';
import type { AccessKeyStatus } from './entities.js';
import type { SigningSecret } from './secrets/signing-secret.js';

/**
 * What request authentication needs to check a signature made with an AccessKey: the only
 * shape in which the store ever hands out a decrypted secret. Status and expiry are reported,
 * not enforced, so that the caller can answer with the precise error code.
 */
export type SigningCredential =
  | {
      readonly kind: 'permanent';
      readonly accessKeyId: AccessKeyId;
      readonly accountId: AccountId;
      readonly userName: UserName | null;
      /** The RAM user's ID; null for a key of the root identity. */
      readonly userId: UserId | null;
      readonly status: AccessKeyStatus;
      readonly secret: SigningSecret;
    }
  | {
      readonly kind: 'temporary';
      readonly accessKeyId: TemporaryAccessKeyId;
      readonly accountId: AccountId;
      readonly roleName: RoleName;
      readonly roleId: RoleId;
      readonly roleSessionName: string;
      readonly expiration: Date;
      readonly secret: SigningSecret;
      /** Constant-time check of the SecurityToken presented with the request. */
      readonly matchesSecurityToken: (securityToken: string) => boolean;
    };
