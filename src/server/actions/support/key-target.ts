import type { Caller } from '../../../request/caller.js';
import {
  type AccessKey,
  isAccessKeyId,
  type RamUser,
  StoreError,
  type StoreReads,
  type UserName,
} from '../../../store/index.js';
import { missingParameter } from '../../errors/api-error.js';
import { optionalText, type Params, requiredText } from './params.js';

// `<name>@<accountId>.<domain suffix>`: the name is RAM's user name, the account KeyFence's ID.
const principalNameRule = {
  maxLength: 128,
  pattern: /^[0-9A-Za-z._-]{1,64}@[1-9][0-9]{15}\.[0-9A-Za-z.-]+$/,
  shape: 'a logon name of the form <user name>@<account ID>.<domain suffix>',
};

/** A `UserPrincipalName`-style parameter, checked for shape; undefined when absent or empty. */
export function readPrincipalName(params: Params, name = 'UserPrincipalName'): string | undefined {
  return optionalText(params, name, principalNameRule);
}

/** The user name and the domain (`<accountId>.<suffix>`) of a principal name `readPrincipalName` passed. */
export function splitPrincipalName(principalName: string): { userName: UserName; domain: string } {
  const at = principalName.lastIndexOf('@');
  return { userName: principalName.slice(0, at) as UserName, domain: principalName.slice(at + 1) };
}

/**
 * The caller's account's user with this principal name. A principal of another account is
 * answered like an unknown one, before the store is asked: nothing of another account is read.
 */
export async function userByPrincipalName(
  reads: StoreReads,
  caller: Caller,
  principalName: string,
): Promise<RamUser> {
  const { domain } = splitPrincipalName(principalName);
  if (!domain.startsWith(`${caller.accountId}.`)) throw new StoreError('EntityNotExist.User', principalName);
  return reads.getUserByPrincipalName(principalName);
}

/**
 * Whose AccessKeys a key action is about: the named RAM user, or without a name the caller itself
 * (null for the root identity). An assumed role has no keys of its own, so it must name a user.
 */
export async function keyOwner(
  reads: StoreReads,
  caller: Caller,
  principalName: string | undefined,
): Promise<UserName | null> {
  if (principalName !== undefined) return (await userByPrincipalName(reads, caller, principalName)).userName;
  switch (caller.type) {
    case 'root-account':
      return null;
    case 'ram-user':
      return caller.userName;
    case 'console-session':
      return caller.principal.type === 'root' ? null : caller.principal.userName;
    case 'assumed-role':
      throw missingParameter('UserPrincipalName');
  }
}

/** The parameters naming one AccessKey: `UserAccessKeyId` and its owner's `UserPrincipalName`. */
export interface KeyTarget {
  readonly principalName: string | undefined;
  readonly accessKeyId: string;
}

export function readKeyTarget(params: Params): KeyTarget {
  return {
    principalName: readPrincipalName(params),
    accessKeyId: requiredText(params, 'UserAccessKeyId', { maxLength: 128 }),
  };
}

/**
 * The key `target` names, when it belongs to the owner `target` resolves to; otherwise, like a
 * key that does not exist, `EntityNotExist.User.AccessKey`: keys of other users (or of root,
 * or of another account) are neither shown nor changed through the wrong owner.
 */
export async function ownedAccessKey(
  reads: StoreReads,
  caller: Caller,
  target: KeyTarget,
): Promise<AccessKey> {
  const owner = await keyOwner(reads, caller, target.principalName);
  const { accessKeyId } = target;
  if (!isAccessKeyId(accessKeyId)) throw new StoreError('EntityNotExist.User.AccessKey', accessKeyId);
  const key = await reads.getAccessKey(caller.accountId, accessKeyId);
  if (key.userName !== owner) throw new StoreError('EntityNotExist.User.AccessKey', accessKeyId);
  return key;
}
