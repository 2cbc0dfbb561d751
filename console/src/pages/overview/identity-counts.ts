import { useEffect, useState } from 'react';
import { callAction } from '../../api/console-client';
import { type ConsoleSession, isRoot, may } from '../../api/console-session';

interface ListUsersAnswer {
  readonly IsTruncated: boolean;
  readonly Marker?: string;
  readonly Users: { readonly User: readonly { readonly UserPrincipalName: string }[] };
}

interface ListAccessKeysAnswer {
  readonly AccessKeys: { readonly AccessKey: readonly unknown[] };
}

export interface IdentityCounts {
  readonly users: number;
  /** More users than the pages read: `users` is a floor. */
  readonly usersPartial: boolean;
  /** Undefined when the caller may not list keys. */
  readonly accessKeys: number | undefined;
  /** Keys were counted for the first `KEY_COUNT_USERS` users only. */
  readonly keysPartial: boolean;
}

/** ListUsers pages read, at most: the landing page counts, it does not inventory. */
const USER_PAGES = 5;
const PAGE_SIZE = 1000;
/** ListAccessKeys is per user: one call each, a few at a time, for this many users at most. */
const KEY_COUNT_USERS = 100;
const PARALLEL = 4;

const listAllUsers = async (): Promise<{ names: string[]; truncated: boolean }> => {
  const names: string[] = [];
  let marker: string | undefined;
  for (let page = 0; page < USER_PAGES; page++) {
    const answer = await callAction<ListUsersAnswer>('Ims', 'ListUsers', {
      MaxItems: String(PAGE_SIZE),
      Marker: marker,
    });
    names.push(...answer.Users.User.map((user) => user.UserPrincipalName));
    if (!answer.IsTruncated || answer.Marker === undefined) return { names, truncated: false };
    marker = answer.Marker;
  }
  return { names, truncated: true };
};

const countKeys = async (session: ConsoleSession, principals: readonly string[]): Promise<number> => {
  let total = isRoot(session)
    ? (await callAction<ListAccessKeysAnswer>('Ims', 'ListAccessKeys')).AccessKeys.AccessKey.length
    : 0;
  for (let start = 0; start < principals.length; start += PARALLEL) {
    const answers = await Promise.all(
      principals
        .slice(start, start + PARALLEL)
        .map((name) =>
          callAction<ListAccessKeysAnswer>('Ims', 'ListAccessKeys', { UserPrincipalName: name }),
        ),
    );
    total += answers.reduce((sum, answer) => sum + answer.AccessKeys.AccessKey.length, 0);
  }
  return total;
};

const countIdentities = async (session: ConsoleSession): Promise<IdentityCounts> => {
  const { names, truncated } = await listAllUsers();
  const users = { users: names.length, usersPartial: truncated };
  if (!may(session, 'ram:ListAccessKeys')) return { ...users, accessKeys: undefined, keysPartial: false };
  const counted = names.slice(0, KEY_COUNT_USERS);
  return {
    ...users,
    accessKeys: await countKeys(session, counted),
    keysPartial: truncated || counted.length < names.length,
  };
};

/** How many RAM users and permanent AccessKeys the account has (root's keys included for root). */
export const useIdentityCounts = (
  session: ConsoleSession,
): { readonly counts: IdentityCounts | undefined; readonly failed: string | undefined } => {
  const [counts, setCounts] = useState<IdentityCounts | undefined>(undefined);
  const [failed, setFailed] = useState<string | undefined>(undefined);
  const allowed = may(session, 'ram:ListUsers');
  useEffect(() => {
    if (!allowed) return;
    let current = true;
    countIdentities(session).then(
      (found) => current && setCounts(found),
      (error: unknown) => current && setFailed(error instanceof Error ? error.message : 'The count failed.'),
    );
    return () => {
      current = false;
    };
  }, [session, allowed]);
  return { counts, failed };
};
