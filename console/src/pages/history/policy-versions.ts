import { callAction } from '../../api/console-client';
import type { EntryMetadata } from '../../policy-panel/entry-metadata';

/** One change of a scope's policy, as ListAccessKeyPolicyHistory answers it. */
export interface PolicyVersion {
  readonly PolicyVersion: number;
  readonly ChangedAt: string;
  readonly ChangedBy: string;
  /** Absent for the change that deleted the policy with its key. */
  readonly AccessKeyPolicy?: string;
  /** Absent for the scope's first change. */
  readonly PreviousAccessKeyPolicy?: string;
  /** Set when the change restored that earlier version. */
  readonly RolledBackTo?: number;
  readonly EntryDescriptions: readonly EntryMetadata[];
  readonly PreviousEntryDescriptions: readonly EntryMetadata[];
}

interface HistoryAnswer {
  readonly Versions: readonly PolicyVersion[];
  readonly NextToken: string;
}

/** Whose policy: the account's, or one AccessKey's. */
export type HistoryScope =
  | { readonly kind: 'account' }
  | { readonly kind: 'accessKey'; readonly accessKeyId: string };

/** One page of a scope's versions, newest first, continuing after `nextToken` when given. */
export const listPolicyVersions = (
  scope: HistoryScope,
  maxResults: number,
  nextToken?: string,
): Promise<HistoryAnswer> =>
  callAction<HistoryAnswer>('Keyfence', 'ListAccessKeyPolicyHistory', {
    UserAccessKeyId: scope.kind === 'accessKey' ? scope.accessKeyId : undefined,
    MaxResults: String(maxResults),
    NextToken: nextToken,
  });

// `acs:ram::<account>:root`, `…:user/alice`, `…:assumed-role/ops/session`, then the key or console
// session the change came through, as the server records the actor.
const ACTOR = /^acs:ram::\d+:(root|user\/[^ ]+|assumed-role\/[^ ]+)(?: \((.+)\))?$/;

/** Who made a change (`root`, `alice`, `ops/session`) and through what, from its `ChangedBy`. */
export const actorOf = (
  changedBy: string,
): { readonly who: string; readonly through: string | undefined } => {
  const match = ACTOR.exec(changedBy);
  if (match === null) return { who: changedBy, through: undefined };
  const [, identity, through] = match as unknown as [string, string, string | undefined];
  return { who: identity.replace(/^(user|assumed-role)\//, ''), through };
};

/** What a change did, in a word or two. */
export const changeKind = (v: PolicyVersion): string =>
  v.AccessKeyPolicy === undefined
    ? 'Deleted with its key'
    : v.RolledBackTo !== undefined
      ? `Restored v${v.RolledBackTo}`
      : v.PreviousAccessKeyPolicy === undefined
        ? 'First set'
        : 'Set';
