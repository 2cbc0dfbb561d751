import type { Source } from '@keyfence/policy/decision.js';
import { DecisionIndex, type Explanation } from '@keyfence/policy/decision-index.js';
import { isJsonObject } from '@keyfence/policy/json-value.js';
import { matchedEntry } from '@keyfence/policy/matched-entry.js';
import { parseStatement } from '@keyfence/policy/parse-statement.js';
import type { AccessKeyPolicy, PolicyStatement } from '@keyfence/policy/policy-document.js';
import { DEFAULT_POLICY_LIMITS, type PolicyLimits } from '@keyfence/policy/policy-limits.js';
import type { PolicyProblems } from '@keyfence/policy/policy-problem.js';

/**
 * A policy document (JSON) read as the server reads it, statement by statement with the server's
 * own parser, or null when it is empty (`{}`, never set) or not valid (yet: a draft while it is
 * typed). Not parsePolicy itself: that one measures the document's UTF-8 size with Node's Buffer,
 * which the browser has not, and the server measures it again anyway.
 */
export const readPolicy = (
  json: string | undefined,
  limits: Pick<PolicyLimits, 'maxEntriesPerStatement'> = DEFAULT_POLICY_LIMITS,
): AccessKeyPolicy | null => {
  if (json === undefined || json.trim() === '') return null;
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch {
    return null;
  }
  if (!isJsonObject(document) || !Array.isArray(document.Statements)) return null;
  const status = document.Status;
  if (status !== 'Active' && status !== 'Inactive') return null;
  const problems: PolicyProblems = { errors: [], warnings: [] };
  const full = { ...DEFAULT_POLICY_LIMITS, ...limits };
  const statements: PolicyStatement[] = [];
  for (const [index, value] of document.Statements.entries()) {
    const statement = parseStatement(value, index, full, problems);
    if (statement === undefined) return null;
    statements.push(statement);
  }
  return { Version: 1, Status: status, Statements: statements };
};

/** The policies a decision reads: the key's own and its account's (null: never set). */
export interface PolicyPair {
  readonly key: { readonly policy: AccessKeyPolicy | null; readonly version: number };
  readonly account: { readonly policy: AccessKeyPolicy | null; readonly version: number };
}

const ACCOUNT = 'console-account';
const KEY = 'console-key';

/**
 * Decides with the server's decision code, in the browser: a throwaway index holding one key and
 * its account. Used to decide under a draft that is not stored (the draft replaces one policy of
 * the pair), so that the answer agrees with what the server would decide once it is set.
 */
export const decider = (
  pair: PolicyPair,
  exemptServices: readonly string[],
): ((source: Source, service?: string) => Explanation) => {
  const index = new DecisionIndex({ exemptServices });
  index.setAccountPolicy(ACCOUNT, pair.account.policy, pair.account.version);
  index.setKey(KEY, ACCOUNT, pair.key.policy, pair.key.version);
  return (source, service = '') => index.explain({ accessKeyId: KEY, temporary: false }, source, service);
};

/** The entry of `policy`'s statement `statement` that holds `ip`, as the server names it; -1 if none. */
export const entryOf = (policy: AccessKeyPolicy | null, statement: number, ip: string): number =>
  policy === null || statement < 0 ? -1 : matchedEntry(policy, statement, ip);
