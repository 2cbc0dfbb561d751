import type { Caller } from '../../../../request/caller.js';
import type { UserName } from '../../../../store/index.js';
import { invalidParameter } from '../../../errors/api-error.js';
import { readPrincipalName, splitPrincipalName } from '../../support/key-target.js';
import type { Params, TextRule } from '../../support/params.js';

export const displayNameRule: TextRule = { maxLength: 128 };
export const commentsRule: TextRule = { maxLength: 128 };

/**
 * The principal name a new or renamed user gets (`UserPrincipalName` of CreateUser,
 * `NewUserPrincipalName` of UpdateUser), undefined when absent: its account part must be the
 * caller's. Whether the domain suffix is the store's is checked against a principal name the
 * store made (`checkDomain`), since only the store knows its suffix.
 */
export function readNewPrincipalName(
  params: Params,
  name: string,
  caller: Caller,
): { userName: UserName; domain: string } | undefined {
  const principalName = readPrincipalName(params, name);
  if (principalName === undefined) return undefined;
  const parts = splitPrincipalName(principalName);
  if (!parts.domain.startsWith(`${caller.accountId}.`)) {
    throw invalidParameter(
      name,
      `it must be in this account: <user name>@${caller.accountId}.<domain suffix>.`,
    );
  }
  return parts;
}

/** Refuses a domain that differs from that of `expectedPrincipalName`, which the store made. */
export function checkDomain(name: string, given: string, expectedPrincipalName: string): void {
  const expected = splitPrincipalName(expectedPrincipalName).domain;
  // Domains compare case-insensitively, as the store compares them on lookup.
  if (given.toLowerCase() !== expected.toLowerCase()) {
    throw invalidParameter(name, `its domain must be ${expected}.`);
  }
}
