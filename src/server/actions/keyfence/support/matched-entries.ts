import type { DecisionScope, Source } from '../../../../policy/decision.js';
import type { Explanation } from '../../../../policy/decision-index.js';
import { matchedEntry } from '../../../../policy/matched-entry.js';
import type { AccessKeyPolicy } from '../../../../policy/policy-document.js';
import { type AccountId, isAccessKeyId, type PolicyScope } from '../../../../store/index.js';
import { decodeStoredPolicy } from '../../../../sync/stored-policy.js';
import type { StoreView } from '../../../rpc/action.js';

/** A statement a decision matched, as the decision index (or an audit event) names it. */
export interface MatchedStatement {
  readonly scope: DecisionScope;
  readonly policyVersion: number;
  /** -1 or null when none matched. */
  readonly statement: number | null;
}

/** `EntryIndex` (in the statement's `IPList`) and `Entry` (its text), beside `StatementIndex`. */
export interface EntryFields {
  readonly EntryIndex: number | null;
  readonly Entry: string | null;
}

export type EntryFieldsOf = (matched: MatchedStatement) => EntryFields;

const NONE: EntryFields = Object.freeze({ EntryIndex: null, Entry: null });

/**
 * The entry each matched statement matched for `source`, worked out off the decision path from
 * the stored policy of its scope (read once per scope): its first entry containing the source.
 * The index decided under a version; the entry is given only while the store still holds that
 * very version (a node catching up, or a policy changed since, gives null rather than another
 * version's entry).
 */
export async function matchedEntries(
  store: Pick<StoreView, 'getPolicy'>,
  accountId: AccountId,
  accessKeyId: string,
  source: Source,
  matched: readonly MatchedStatement[],
): Promise<EntryFieldsOf> {
  const stored = new Map<DecisionScope, { version: number; policy: AccessKeyPolicy | null }>();
  for (const m of matched) {
    if (m.statement === null || m.statement < 0 || m.scope === 'none' || stored.has(m.scope)) continue;
    // Temporary credentials have no AccessKey-level policy (and never match a statement).
    let scope: PolicyScope;
    if (m.scope === 'account') scope = { scope: 'account', accountId };
    else if (isAccessKeyId(accessKeyId)) scope = { scope: 'accessKey', accountId, accessKeyId };
    else continue;
    const { policy, version } = await store.getPolicy(scope);
    stored.set(m.scope, {
      version,
      policy: policy === null ? null : decodeStoredPolicy(policy, `policy of ${m.scope} ${accountId}`),
    });
  }
  return ({ scope, policyVersion, statement }) => {
    const held = stored.get(scope);
    if (held?.policy == null || held.version !== policyVersion || statement === null || statement < 0) {
      return NONE;
    }
    const entry = matchedEntry(held.policy, statement, source.ip);
    if (entry < 0) return NONE;
    return { EntryIndex: entry, Entry: held.policy.Statements[statement]!.IPList[entry]! };
  };
}

/** The statements an explanation names: the decision's and each scope's. */
export function explainedStatements(explained: Explanation): MatchedStatement[] {
  return [explained.decision, ...explained.scopes];
}
