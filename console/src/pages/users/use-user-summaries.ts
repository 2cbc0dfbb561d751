import { useEffect, useState } from 'react';
import { callAction } from '../../api/console-client';
import { may } from '../../api/console-session';
import type {
  AccessKeyLastUsedAnswer,
  AccessKeyPolicyAnswer,
  ListAccessKeysAnswer,
} from '../../components/access-key-types';
import { useSession } from '../../session/session-context';
import type { RamUser } from './user-types';

/** The list's per-user facts that ListUsers does not carry; undefined where unknown or not allowed. */
export interface UserSummary {
  readonly lastKeyUse?: { readonly date: string; readonly service?: string };
  /** Keys of this user with an Active key-level network ACL, out of `keys`. */
  readonly keyLevelAcls?: number;
  readonly keys?: number;
}

const settle = <T>(promise: Promise<T>): Promise<T | undefined> => promise.catch(() => undefined);

const isActive = (document: string): boolean => {
  try {
    return (JSON.parse(document) as { Status?: string }).Status === 'Active';
  } catch {
    return false;
  }
};

/** What one user's keys say: the latest use of any, and how many have an Active key-level policy. */
const summarizeKeys = async (
  principalName: string,
  canLastUsed: boolean,
  canPolicy: boolean,
): Promise<Pick<UserSummary, 'lastKeyUse' | 'keyLevelAcls' | 'keys'>> => {
  const list = await settle(
    callAction<ListAccessKeysAnswer>('Ims', 'ListAccessKeys', { UserPrincipalName: principalName }),
  );
  if (list === undefined) return {};
  const keys = list.AccessKeys.AccessKey;
  const facts = await Promise.all(
    keys.map(async (key) => {
      const params = { UserPrincipalName: principalName, UserAccessKeyId: key.AccessKeyId };
      const [used, policy] = await Promise.all([
        canLastUsed
          ? settle(callAction<AccessKeyLastUsedAnswer>('Ims', 'GetAccessKeyLastUsed', params))
          : undefined,
        canPolicy
          ? settle(callAction<AccessKeyPolicyAnswer>('Ims', 'GetAccessKeyPolicy', params))
          : undefined,
      ]);
      return { used: used?.AccessKeyLastUsed, policy: policy?.AccessKeyPolicy };
    }),
  );
  let lastKeyUse: UserSummary['lastKeyUse'];
  for (const { used } of facts) {
    const date = used?.LastUsedDate;
    // Alibaba timestamps are fixed-width UTC, so they compare as strings.
    if (date !== undefined && (lastKeyUse === undefined || date > lastKeyUse.date)) {
      lastKeyUse = { date, service: used?.ServiceName };
    }
  }
  return {
    lastKeyUse,
    keys: keys.length,
    keyLevelAcls: canPolicy
      ? facts.filter((f) => f.policy !== undefined && isActive(f.policy)).length
      : undefined,
  };
};

/**
 * Per-user facts for one page of the list, read with the caller's own permissions: a column the
 * caller may not read stays empty rather than failing the page.
 */
export const useUserSummaries = (users: readonly RamUser[]): ReadonlyMap<string, UserSummary> => {
  const session = useSession();
  const [summaries, setSummaries] = useState<ReadonlyMap<string, UserSummary>>(new Map());
  const canKeys = may(session, 'ram:ListAccessKeys');
  const canLastUsed = may(session, 'ram:GetAccessKeyLastUsed');
  const canPolicy = may(session, 'ram:GetAccessKeyPolicy');
  const names = users.map((user) => user.UserPrincipalName).join(' ');
  useEffect(() => {
    let current = true;
    const principals = names === '' ? [] : names.split(' ');
    void Promise.all(
      principals.map(async (principalName): Promise<[string, UserSummary]> => {
        const keys = canKeys ? await summarizeKeys(principalName, canLastUsed, canPolicy) : {};
        return [principalName, keys];
      }),
    ).then((entries) => current && setSummaries(new Map(entries)));
    return () => {
      current = false;
    };
  }, [names, canKeys, canLastUsed, canPolicy]);
  return summaries;
};
