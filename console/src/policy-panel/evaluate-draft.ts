import { parseAddress } from '@keyfence/net/address.js';
import type { Decision } from '@keyfence/policy/decision.js';
import { DecisionIndex } from '@keyfence/policy/decision-index.js';
import { matchedEntry } from '@keyfence/policy/matched-entry.js';
import type { AccessKeyPolicy } from '@keyfence/policy/policy-document.js';
import type { PolicyScope } from './policy-scope';

// Names inside a throwaway index: only the policies matter, not whose they are.
const ACCOUNT = 'draft-account';
const KEY = 'draft-key';

export interface DraftCheck {
  readonly decision: Decision;
  /** The policy that decided, and its entry that matched (-1 when none did). */
  readonly policy: AccessKeyPolicy | null;
  readonly entry: number;
}

/**
 * What the draft would decide for a call from `ip` (and `vpcId`) by a key of this scope, with the
 * other scope's stored policy beside it: a throwaway `DecisionIndex`, the server's own decision
 * with its precedence (a key's Active policy replaces the account's). At account level the key is
 * one governed by the account-level policy.
 */
export function evaluateDraft(
  scope: PolicyScope,
  draft: AccessKeyPolicy,
  accountPolicy: AccessKeyPolicy | null,
  ip: string,
  vpcId: string,
): DraftCheck {
  const index = new DecisionIndex();
  const keyPolicy = scope.kind === 'accessKey' ? draft : null;
  const account = scope.kind === 'account' ? draft : accountPolicy;
  index.setAccountPolicy(ACCOUNT, account, 0);
  index.setKey(KEY, ACCOUNT, keyPolicy, 0);
  const source = vpcId === '' ? { ip } : { ip, vpcId };
  const decision = index.decide({ accessKeyId: KEY, temporary: false }, source, '');
  const policy = decision.scope === 'accessKey' ? keyPolicy : decision.scope === 'account' ? account : null;
  const entry = policy === null || decision.statement < 0 ? -1 : matchedEntry(policy, decision.statement, ip);
  return { decision, policy, entry };
}

/** The address parser's complaint about `ip`, or undefined when it is an address. */
export function addressProblem(ip: string): string | undefined {
  const parsed = parseAddress(ip);
  return parsed.ok ? undefined : parsed.error.message;
}
