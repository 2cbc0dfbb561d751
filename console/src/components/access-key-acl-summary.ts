import { isNeverSet } from '@keyfence/policy/no-policy.js';

/** What the Network ACL column says about one key: which policy decides for it, and how big it is. */
export interface NetworkAclSummary {
  readonly label:
    | 'Key-level (Enabled)'
    | 'Key-level (Disabled) → account-level'
    | 'Account-level (Enabled)'
    | 'None';
  /** Entries of the policy that decides; undefined when none does. */
  readonly entries: number | undefined;
}

interface StoredPolicy {
  readonly active: boolean;
  readonly entries: number;
}

/**
 * The server returns only documents it validated and serialised, so a light read suffices here;
 * `undefined` for a scope without a policy: never set, or cleared (Inactive with no statements,
 * the only "delete" there is).
 */
const readStored = (document: string | undefined): StoredPolicy | undefined => {
  if (document === undefined || isNeverSet(document)) return undefined;
  const policy = JSON.parse(document) as {
    Status?: string;
    Statements?: readonly { IPList?: readonly string[] }[];
  };
  const statements = policy.Statements ?? [];
  if (policy.Status !== 'Active' && statements.length === 0) return undefined;
  const entries = statements.reduce((sum, statement) => sum + (statement.IPList?.length ?? 0), 0);
  return { active: policy.Status === 'Active', entries };
};

/** A key's own policy decides when Active; otherwise the account's, when Active (key over account). */
export const summarizeNetworkAcl = (
  keyPolicy: string | undefined,
  accountPolicy: string | undefined,
): NetworkAclSummary => {
  const own = readStored(keyPolicy);
  const account = readStored(accountPolicy);
  const accountEntries = account?.active === true ? account.entries : undefined;
  if (own?.active === true) return { label: 'Key-level (Enabled)', entries: own.entries };
  if (own !== undefined) return { label: 'Key-level (Disabled) → account-level', entries: accountEntries };
  if (accountEntries !== undefined) return { label: 'Account-level (Enabled)', entries: accountEntries };
  return { label: 'None', entries: undefined };
};
