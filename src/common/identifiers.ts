import type { Brand } from './brand.js';

/** A tenant: 16 decimal digits, not starting with 0. */
export type AccountId = Brand<string, 'AccountId'>;
/** A RAM user's name, unique within its account. */
export type UserName = Brand<string, 'UserName'>;
/** The immutable numeric ID Alibaba gives every RAM user. */
export type UserId = Brand<string, 'UserId'>;
/** A permanent AccessKey: `LTAI` followed by 20 letters and digits. */
export type AccessKeyId = Brand<string, 'AccessKeyId'>;
/** A temporary (STS) AccessKey: `STS.` followed by letters and digits. */
export type TemporaryAccessKeyId = Brand<string, 'TemporaryAccessKeyId'>;
export type RoleName = Brand<string, 'RoleName'>;
export type RoleId = Brand<string, 'RoleId'>;

const accountIdShape = /^[1-9][0-9]{15}$/;
const accessKeyIdShape = /^LTAI[0-9A-Za-z]{20}$/;
const temporaryAccessKeyIdShape = /^STS\.[0-9A-Za-z]{16,64}$/;
// RAM's rule for user and role names.
const entityNameShape = /^[0-9A-Za-z._-]{1,64}$/;

export const isAccountId = (text: string): text is AccountId => accountIdShape.test(text);
export const isAccessKeyId = (text: string): text is AccessKeyId => accessKeyIdShape.test(text);
export const isTemporaryAccessKeyId = (text: string): text is TemporaryAccessKeyId =>
  temporaryAccessKeyIdShape.test(text);
export const isUserName = (text: string): text is UserName => entityNameShape.test(text);
export const isRoleName = (text: string): text is RoleName => entityNameShape.test(text);
