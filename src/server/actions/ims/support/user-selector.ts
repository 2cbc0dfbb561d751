import type { Caller } from '../../../../request/caller.js';
import {
  isAccessKeyId,
  type RamUser,
  StoreError,
  type StoreReads,
  type UserId,
} from '../../../../store/index.js';
import { invalidParameter, missingParameter } from '../../../errors/api-error.js';
import { readPrincipalName, userByPrincipalName } from '../../support/key-target.js';
import { optionalText, type Params } from '../../support/params.js';
import { callerUserName } from '../../support/principal.js';

/** How GetUser, UpdateUser and DeleteUser name their user; IMS takes exactly one of these. */
export type UserSelector =
  | { readonly by: 'UserPrincipalName'; readonly value: string }
  | { readonly by: 'UserId'; readonly value: string }
  | { readonly by: 'UserAccessKeyId'; readonly value: string }
  | { readonly by: 'caller' };

export interface SelectorOptions {
  /** GetUser also finds a user by one of its AccessKeys. */
  readonly byAccessKey: boolean;
  /**
   * GetUser without a name describes the calling RAM user; the actions that change a user
   * require a name, so that leaving it out never updates or deletes the caller by accident.
   */
  readonly defaultsToCaller: boolean;
}

const userIdRule = { maxLength: 64, pattern: /^[0-9]+$/, shape: 'a user ID (digits)' };

export function readUserSelector(params: Params, options: SelectorOptions): UserSelector {
  const names = ['UserPrincipalName', 'UserId', ...(options.byAccessKey ? ['UserAccessKeyId'] : [])];
  const given = names.filter((name) => params[name] !== undefined && params[name] !== '');
  if (given.length > 1) throw invalidParameter(given[1]!, `specify only one of ${names.join(', ')}.`);
  const principalName = readPrincipalName(params);
  if (principalName !== undefined) return { by: 'UserPrincipalName', value: principalName };
  const userId = optionalText(params, 'UserId', userIdRule);
  if (userId !== undefined) return { by: 'UserId', value: userId };
  const accessKeyId = options.byAccessKey
    ? optionalText(params, 'UserAccessKeyId', { maxLength: 128 })
    : undefined;
  if (accessKeyId !== undefined) return { by: 'UserAccessKeyId', value: accessKeyId };
  if (options.defaultsToCaller) return { by: 'caller' };
  throw missingParameter('UserPrincipalName');
}

/** The user `selector` names, always within the caller's account. */
export async function selectedUser(
  reads: StoreReads,
  caller: Caller,
  selector: UserSelector,
): Promise<RamUser> {
  switch (selector.by) {
    case 'UserPrincipalName':
      return userByPrincipalName(reads, caller, selector.value);
    case 'UserId':
      return userById(reads, caller, selector.value);
    case 'UserAccessKeyId': {
      if (!isAccessKeyId(selector.value))
        throw new StoreError('EntityNotExist.User.AccessKey', selector.value);
      const key = await reads.getAccessKey(caller.accountId, selector.value);
      // A root key belongs to no RAM user.
      if (key.userName === null) throw new StoreError('EntityNotExist.User', selector.value);
      return reads.getUser(caller.accountId, key.userName);
    }
    case 'caller': {
      const userName = callerUserName(caller);
      if (userName === undefined) throw missingParameter('UserPrincipalName');
      return reads.getUser(caller.accountId, userName);
    }
  }
}

// The store looks users up by name; an account has few enough users to scan for an ID.
const scanPage = 1000;

async function userById(reads: StoreReads, caller: Caller, userId: string): Promise<RamUser> {
  let page = await reads.listUsers(caller.accountId, { limit: scanPage });
  for (;;) {
    const found = page.find((user) => user.userId === (userId as UserId));
    if (found !== undefined) return found;
    if (page.length < scanPage) throw new StoreError('EntityNotExist.User', userId);
    page = await reads.listUsers(caller.accountId, { after: page.at(-1)!.userName, limit: scanPage });
  }
}
