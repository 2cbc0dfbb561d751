import { useEffect, useState } from 'react';
import { ConsoleApiError } from '../../api/console-api-error';
import { callAction } from '../../api/console-client';
import { type ConsoleSession, isRoot, may } from '../../api/console-session';

/** One permanent AccessKey of the account and who owns it (null: the root identity). */
export interface AccountKey {
  readonly accessKeyId: string;
  readonly status: string;
  readonly createDate: string;
  readonly owner: { readonly userName: string; readonly principalName: string } | null;
}

interface ListAccessKeysAnswer {
  readonly AccessKeys: {
    readonly AccessKey: readonly { AccessKeyId: string; Status: string; CreateDate: string }[];
  };
}

interface ListUsersAnswer {
  readonly IsTruncated: boolean;
  readonly Marker?: string;
  readonly Users: { readonly User: readonly { UserPrincipalName: string }[] };
}

const userNameOf = (principalName: string): string => principalName.slice(0, principalName.lastIndexOf('@'));

const keysOf = async (principalName: string | undefined): Promise<AccountKey[]> => {
  const answer = await callAction<ListAccessKeysAnswer>(
    'Ims',
    'ListAccessKeys',
    principalName === undefined ? {} : { UserPrincipalName: principalName },
  );
  return answer.AccessKeys.AccessKey.map((key) => ({
    accessKeyId: key.AccessKeyId,
    status: key.Status,
    createDate: key.CreateDate,
    owner: principalName === undefined ? null : { userName: userNameOf(principalName), principalName },
  }));
};

const principalNames = async (): Promise<string[]> => {
  const names: string[] = [];
  let marker: string | undefined;
  do {
    const page: ListUsersAnswer = await callAction<ListUsersAnswer>('Ims', 'ListUsers', {
      MaxItems: '1000',
      Marker: marker,
    });
    names.push(...page.Users.User.map((user) => user.UserPrincipalName));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker !== undefined);
  return names;
};

/**
 * Every AccessKey the caller may see: root's own and every user's when it may list users, else
 * the caller's own. For pickers; the server checks each later call again.
 */
export const listAccountKeys = async (session: ConsoleSession): Promise<AccountKey[]> => {
  const own: AccountKey[] = isRoot(session)
    ? await keysOf(undefined)
    : session.Identity.Type === 'ram-user'
      ? await keysOf(session.Identity.UserPrincipalName)
      : [];
  if (!may(session, 'ram:ListUsers') || !may(session, 'ram:ListAccessKeys')) return own;
  const others = (await principalNames()).filter(
    (name) => session.Identity.Type !== 'ram-user' || name !== session.Identity.UserPrincipalName,
  );
  const theirs = await Promise.all(others.map((name) => keysOf(name)));
  return [...own, ...theirs.flat()];
};

/** `listAccountKeys` as a hook: undefined while loading. */
export const useAccountKeys = (
  session: ConsoleSession,
): { keys: readonly AccountKey[] | undefined; error: ConsoleApiError | undefined } => {
  const [state, setState] = useState<{ keys?: AccountKey[]; error?: ConsoleApiError }>({});
  useEffect(() => {
    let current = true;
    listAccountKeys(session).then(
      (keys) => current && setState({ keys }),
      (error: unknown) =>
        current && setState({ error: error instanceof ConsoleApiError ? error : new ConsoleApiError(0, {}) }),
    );
    return () => {
      current = false;
    };
  }, [session]);
  return { keys: state.keys, error: state.error };
};

/** How a picker names a key: `LTAI5t… (alice)` or `(root)`. */
export const keyLabel = (key: AccountKey): string =>
  `${key.accessKeyId} (${key.owner === null ? 'root' : key.owner.userName})`;

/** The parameters that name a key to IMS: its owner's principal name unless it is the caller's own. */
export const keyTarget = (key: AccountKey, session: ConsoleSession): Record<string, string> => {
  const own =
    (key.owner === null && isRoot(session)) ||
    (key.owner !== null &&
      session.Identity.Type === 'ram-user' &&
      key.owner.principalName === session.Identity.UserPrincipalName);
  return own || key.owner === null
    ? { UserAccessKeyId: key.accessKeyId }
    : { UserAccessKeyId: key.accessKeyId, UserPrincipalName: key.owner.principalName };
};
