import { useCallback, useEffect, useState } from 'react';
import { ConsoleApiError } from '../api/console-api-error';
import { callAction } from '../api/console-client';
import { type ConsoleSession, may } from '../api/console-session';
import type { DescriptionsAnswer, EntryMetadata } from './entry-metadata';
import type { PolicyScope } from './policy-scope';
import { getAction, insightParams, type KeyOwner, metadataParams, policyParams } from './scope-params';
import { learnServerTime, windowParams } from './server-clock';

/** A scope's stored policy as Get answers it. */
export interface StoredPolicy {
  readonly AccessKeyPolicy: string;
  readonly PolicyVersion: number;
  /** While a commit-confirmed change awaits Keep: when it reverts. */
  readonly AutoRevertAt?: string;
}

/** An entry's use in the preview window (GetAccessKeyPolicyEntryUsage). */
export interface EntryUse {
  readonly Hits: number;
  readonly Sources: number;
  readonly LastHit?: string;
}

export interface PanelData {
  readonly stored: StoredPolicy;
  readonly metadata: readonly EntryMetadata[];
  /** Key level: the account-level policy, shown for comparison and used by Check an IP. */
  readonly account: StoredPolicy | undefined;
  readonly owner: KeyOwner | undefined;
  /** By `type|vpc|entry` (metadataKey). */
  readonly usage: ReadonlyMap<string, EntryUse>;
}

interface UsageAnswer {
  readonly EndTime?: string;
  readonly Entries: readonly (EntryUse & { Type: string; Value?: string; Entry: string })[];
}

/** Reads answered with an error that only means "nothing to show" (not set, not built yet, not allowed). */
async function optional<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ConsoleApiError) return undefined;
    throw error;
  }
}

/**
 * A RAM user's key is named to IMS with its owner's principal name, found from the key; without a
 * `userName` the key is the root identity's or the caller's own, which need no name (and asking
 * would only answer an error, which the browser logs).
 */
async function keyOwner(scope: PolicyScope): Promise<KeyOwner | undefined> {
  if (scope.kind === 'account') return undefined;
  if (scope.userName === undefined) return { userName: undefined, userPrincipalName: undefined };
  const user = await optional(
    callAction<{ User: { UserName: string; UserPrincipalName: string } }>('Ims', 'GetUser', {
      UserAccessKeyId: scope.accessKeyId,
    }),
  );
  return { userName: scope.userName, userPrincipalName: user?.User.UserPrincipalName };
}

async function load(scope: PolicyScope, session: ConsoleSession): Promise<PanelData> {
  const owner = await keyOwner(scope);
  const [stored, metadata, account] = await Promise.all([
    callAction<StoredPolicy>('Ims', getAction(scope), policyParams(scope, owner)),
    optional(
      callAction<DescriptionsAnswer>('Keyfence', 'GetAccessKeyPolicyDescriptions', metadataParams(scope)),
    ),
    scope.kind === 'accessKey' && may(session, 'ram:GetAccessKeyPolicyForAccount')
      ? optional(callAction<StoredPolicy>('Ims', 'GetAccessKeyPolicyForAccount'))
      : Promise.resolve(undefined),
  ]);
  const usage = new Map<string, EntryUse>();
  if (stored.PolicyVersion > 0 && may(session, 'keyfence:GetAccessKeyPolicyEntryUsage')) {
    const answer = await optional(
      callAction<UsageAnswer>('Keyfence', 'GetAccessKeyPolicyEntryUsage', {
        ...insightParams(scope),
        ...windowParams(Math.min(session.PreviewWindowDays, session.RetentionDays)),
      }),
    );
    learnServerTime(answer?.EndTime);
    for (const e of answer?.Entries ?? []) usage.set(`${e.Type}|${e.Value ?? ''}|${e.Entry}`, e);
  }
  return { stored, metadata: metadata?.Entries ?? [], account, owner, usage };
}

export type PanelDataState =
  | { readonly status: 'loading' }
  | { readonly status: 'failed'; readonly error: ConsoleApiError }
  | { readonly status: 'ready'; readonly data: PanelData };

/** Everything the panel reads when it opens; `reload` reads it again (after a conflict, say). */
export function usePanelData(scope: PolicyScope, session: ConsoleSession) {
  const [state, setState] = useState<PanelDataState>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const scopeKey = scope.kind === 'account' ? 'account' : scope.accessKeyId;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `scopeKey` stands for `scope`; `generation` forces a reload.
  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    load(scope, session).then(
      (data) => current && setState({ status: 'ready', data }),
      (error: unknown) =>
        current &&
        setState({
          status: 'failed',
          error: error instanceof ConsoleApiError ? error : new ConsoleApiError(0, {}),
        }),
    );
    return () => {
      current = false;
    };
  }, [scopeKey, generation]);
  return { state, reload };
}
