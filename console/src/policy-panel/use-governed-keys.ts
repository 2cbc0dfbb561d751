import { isNeverSet } from '@keyfence/policy/no-policy.js';
import { useEffect, useState } from 'react';
import { callAction } from '../api/console-client';
import { type ConsoleSession, isRoot, may } from '../api/console-session';

/** One permanent key of the account and whether its own Active policy replaces the account's. */
export interface AccountKey {
  readonly accessKeyId: string;
  readonly userName: string | undefined;
  readonly ownPolicyActive: boolean;
}

export interface GovernedKeys {
  readonly keys: readonly AccountKey[];
  /** More keys exist than were read: counts are "at least". */
  readonly partial: boolean;
}

// Each key costs one Get: enough for the banner of a real account, bounded for a huge one.
const MAX_KEYS = 200;

interface KeysAnswer {
  readonly AccessKeys: { readonly AccessKey: readonly { AccessKeyId: string }[] };
}

interface UsersAnswer {
  readonly IsTruncated: boolean;
  readonly Marker?: string;
  readonly Users: { readonly User: readonly { UserPrincipalName: string; UserName?: string }[] };
}

const isActive = (policy: string): boolean =>
  !isNeverSet(policy) && (JSON.parse(policy) as { Status?: string }).Status === 'Active';

async function listOwners(session: ConsoleSession): Promise<{ upn?: string; userName?: string }[]> {
  const owners: { upn?: string; userName?: string }[] = isRoot(session) ? [{}] : [];
  if (!may(session, 'ram:ListUsers')) return owners;
  let marker: string | undefined;
  do {
    const page: UsersAnswer = await callAction<UsersAnswer>('Ims', 'ListUsers', {
      MaxItems: '1000',
      Marker: marker,
    });
    for (const user of page.Users.User) {
      owners.push({ upn: user.UserPrincipalName, userName: user.UserPrincipalName.split('@')[0] });
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker !== undefined && owners.length < MAX_KEYS);
  return owners;
}

async function readKeys(session: ConsoleSession): Promise<GovernedKeys> {
  const keys: AccountKey[] = [];
  let partial = false;
  for (const owner of await listOwners(session)) {
    if (keys.length >= MAX_KEYS) {
      partial = true;
      break;
    }
    const listed = await callAction<KeysAnswer>('Ims', 'ListAccessKeys', { UserPrincipalName: owner.upn });
    const policies = await Promise.all(
      listed.AccessKeys.AccessKey.map((key) =>
        callAction<{ AccessKeyPolicy: string }>('Ims', 'GetAccessKeyPolicy', {
          UserAccessKeyId: key.AccessKeyId,
          UserPrincipalName: owner.upn,
        }).then(
          (answer) => ({ key, active: isActive(answer.AccessKeyPolicy) }),
          () => ({ key, active: false }),
        ),
      ),
    );
    for (const { key, active } of policies) {
      keys.push({ accessKeyId: key.AccessKeyId, userName: owner.userName, ownPolicyActive: active });
    }
  }
  return { keys, partial };
}

/**
 * The account's permanent keys and which of them an account-level policy governs (those without
 * an Active key-level policy), for the banner and the confirm dialog's scope line. Undefined while
 * reading, or when the caller may not list keys.
 */
export function useGovernedKeys(session: ConsoleSession, enabled: boolean): GovernedKeys | undefined {
  const [keys, setKeys] = useState<GovernedKeys | undefined>(undefined);
  const allowed = enabled && may(session, 'ram:ListAccessKeys') && may(session, 'ram:GetAccessKeyPolicy');
  // biome-ignore lint/correctness/useExhaustiveDependencies: read once per open panel.
  useEffect(() => {
    if (!allowed) return;
    let current = true;
    readKeys(session).then(
      (found) => current && setKeys(found),
      () => current && setKeys(undefined),
    );
    return () => {
      current = false;
    };
  }, [allowed]);
  return keys;
}
