import type { AccessKeyPolicy } from '@keyfence/policy/policy-document.js';
import { callAction } from '../../api/console-client';
import type { PanelRequest } from '../../policy-panel/policy-scope';
import { type PolicyPair, readPolicy } from './policy-evaluation';

/** One scope's stored policy: its document as Get answers it, read, and its version. */
export interface StoredPolicy {
  readonly json: string;
  readonly policy: AccessKeyPolicy | null;
  readonly version: number;
}

export interface StoredPolicies {
  readonly key: StoredPolicy;
  readonly account: StoredPolicy;
}

interface GetPolicyAnswer {
  readonly AccessKeyPolicy: string;
  readonly PolicyVersion: number;
}

const NEVER_SET: StoredPolicy = { json: '{}', policy: null, version: 0 };

const stored = (answer: GetPolicyAnswer): StoredPolicy => ({
  json: answer.AccessKeyPolicy,
  policy: readPolicy(answer.AccessKeyPolicy, { maxEntriesPerStatement: Number.MAX_SAFE_INTEGER }),
  version: answer.PolicyVersion,
});

/** The key's own policy (`target` names it to IMS; null: a key without one) and the account's. */
export const loadStoredPolicies = async (
  target: Readonly<Record<string, string>> | null,
): Promise<StoredPolicies> => {
  const [key, account] = await Promise.all([
    target === null ? undefined : callAction<GetPolicyAnswer>('Ims', 'GetAccessKeyPolicy', target),
    callAction<GetPolicyAnswer>('Ims', 'GetAccessKeyPolicyForAccount'),
  ]);
  return { key: key === undefined ? NEVER_SET : stored(key), account: stored(account) };
};

/**
 * The pair with the open panel's draft in place of the policy it edits, when that panel is about
 * this key or the account; undefined when no panel is open, it edits another key, or its draft
 * is not a valid document (yet).
 */
export const pairWithDraft = (
  policies: StoredPolicies,
  accessKeyId: string | undefined,
  request: PanelRequest | undefined,
  draft: string | undefined,
  maxEntriesPerStatement: number,
): PolicyPair | undefined => {
  if (request === undefined || draft === undefined) return undefined;
  const policy = readPolicy(draft, { maxEntriesPerStatement });
  if (policy === null) return undefined;
  const { scope } = request;
  if (scope.kind === 'account') return { key: policies.key, account: { policy, version: 0 } };
  if (scope.accessKeyId !== accessKeyId) return undefined;
  return { key: { policy, version: 0 }, account: policies.account };
};

/** Which policy decides for the key now: its own Active one, else the account's Active one, else none. */
export const policyInForce = (
  policies: StoredPolicies,
): { readonly scope: 'accessKey' | 'account' | 'none'; readonly version: number } => {
  if (policies.key.policy?.Status === 'Active') return { scope: 'accessKey', version: policies.key.version };
  if (policies.account.policy?.Status === 'Active')
    return { scope: 'account', version: policies.account.version };
  return { scope: 'none', version: 0 };
};

/** How the console names a scope's state: `Key-level (Enabled)`, `Account-level (Disabled)`, `Not configured`. */
export const statusLabel = (level: 'Key-level' | 'Account-level', policy: StoredPolicy): string => {
  if (policy.policy === null) return `${level}: Not configured`;
  return `${level} (${policy.policy.Status === 'Active' ? 'Enabled' : 'Disabled'}), v${policy.version}`;
};
