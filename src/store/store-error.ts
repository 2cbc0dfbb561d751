import { KeyFenceError } from '../common/keyfence-error.js';

/**
 * Every failure the store reports, with a fixed message. Where Alibaba RAM has a code for the
 * situation the code is Alibaba's, so the API layer can pass it through unchanged. Messages
 * never contain secrets or user input: the optional `subject` names the entity for logs.
 */
export const storeErrorMessages = {
  'EntityNotExist.Account': 'The account does not exist.',
  'EntityNotExist.User': 'The user does not exist.',
  'EntityNotExist.User.AccessKey': 'The user access key does not exist.',
  'EntityNotExist.Role': 'The role does not exist.',
  'EntityNotExist.TemporaryCredential': 'The temporary credential does not exist.',
  'EntityNotExist.PolicyVersion': 'The policy version does not exist in this scope.',
  'EntityNotExist.User.Policy': 'The policy is not attached to the user.',
  'EntityNotExist.User.LoginProfile': 'The login profile of the user does not exist.',
  'EntityAlreadyExists.User': 'The user already exists.',
  'EntityAlreadyExists.Role': 'The role already exists.',
  'EntityAlreadyExists.User.Policy': 'The user has already been attached this policy.',
  'EntityAlreadyExists.User.LoginProfile': 'The login profile of the user already exists.',
  'LimitExceeded.User.AccessKey': 'The access key count of the user access keys beyond the current limits.',
  'DeleteConflict.User.AccessKey': 'The user still has access keys; delete them first.',
  'DeleteConflict.User.Policy': 'The user still has attached policies; detach them first.',
  'Conflict.PolicyVersion': 'The policy was changed since the version the update was based on.',
  'InvalidParameter.UserName': 'The user name must be 1 to 64 letters, digits, ".", "_" or "-".',
  'InvalidParameter.DisplayName': 'The display name must be 1 to 128 characters.',
  'InvalidParameter.Comments': 'The comments must be at most 128 characters.',
  'InvalidParameter.UserPrincipalName': 'The user principal name is not of the form name@accountId.suffix.',
  'InvalidParameter.Status': 'The status must be Active or Inactive.',
  'InvalidParameter.RoleName': 'The role name must be 1 to 64 letters, digits, ".", "_" or "-".',
  'InvalidParameter.Description': 'The description must be at most 1024 characters.',
  'InvalidParameter.MaxSessionDuration': 'The maximum session duration must be 3600 to 43200 seconds.',
  'InvalidParameter.DurationSeconds':
    "The duration must be 900 seconds up to the role's maximum session duration.",
  'InvalidParameter.RoleSessionName':
    'The role session name must be 2 to 64 letters, digits, ".", "@", "_" or "-".',
  'InvalidParameter.AssumeRolePolicyDocument':
    'The trust policy must be a JSON object with a Statement list.',
  'InvalidParameter.PolicyType': 'The policy type must be System: KeyFence has no custom policies.',
  'InvalidParameter.PolicyName': 'The policy name must be 1 to 128 letters, digits or "-".',
  'Store.AlreadyInitialized': 'The store already has an account; it was not changed.',
  'Store.InvalidConfig': 'The store configuration is invalid.',
  'Store.Database': 'The database operation failed.',
  'Store.InvalidData': 'The database refused the data it was given.',
  'Store.SnapshotClosed': 'A snapshot can only be read inside the callback it was given to.',
  'Store.SecretUndecryptable': 'A stored secret could not be decrypted with the master key.',
  'MasterKey.Missing': 'No master key is configured, so secrets cannot be stored or read.',
  'MasterKey.Invalid': 'The master key must be 32 bytes, base64-encoded.',
  'MasterKey.InsecurePermissions': 'The master key file must not be readable by group or others (chmod 600).',
  'MasterKey.Mismatch': 'The master key is not the one the stored secrets were encrypted with.',
} as const;

export type StoreErrorCode = keyof typeof storeErrorMessages;

export class StoreError extends KeyFenceError {
  declare readonly code: StoreErrorCode;
  /** The entity concerned (a user name, an AccessKey ID, a file path), never a secret. */
  readonly subject: string | undefined;

  constructor(code: StoreErrorCode, subject?: string, options?: ErrorOptions) {
    super(code, storeErrorMessages[code], options);
    this.subject = subject;
  }
}

/**
 * A conditional policy write (`expectedVersion`) whose scope has moved on: nothing was written.
 * Carries both versions, so that the caller can be told what to read again.
 */
export class PolicyVersionConflictError extends StoreError {
  readonly expectedVersion: number;
  readonly currentVersion: number;

  constructor(subject: string, expectedVersion: number, currentVersion: number) {
    super('Conflict.PolicyVersion', subject);
    this.expectedVersion = expectedVersion;
    this.currentVersion = currentVersion;
  }
}

export const isStoreError = (error: unknown, code?: StoreErrorCode): error is StoreError =>
  error instanceof StoreError && (code === undefined || error.code === code);
