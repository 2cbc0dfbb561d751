import type { Source } from '@keyfence/policy/decision.js';
import type { AccessKeyPolicy } from '@keyfence/policy/policy-document.js';
import { callAction } from '../../api/console-client';
import type { ConsoleSession } from '../../api/console-session';
import type { PanelRequest } from '../../policy-panel/policy-scope';
import { type AccountKey, keyTarget } from '../actiontrail/account-keys';
import { type CheckAnswer, type CheckOutcome, SCOPE_NAMES } from './check-outcome';
import { decider, entryOf, type PolicyPair } from './policy-evaluation';
import { loadStoredPolicies, pairWithDraft, type StoredPolicies } from './stored-policies';

/** Whose call to check: one of the account's keys, any key the account-level policy governs, or STS. */
export type CheckCredential =
  | { readonly kind: 'key'; readonly key: AccountKey }
  | { readonly kind: 'account-governed' }
  | { readonly kind: 'sts' };

export type EvaluateAgainst = 'in-force' | 'stored' | 'draft';

export interface CheckInput {
  readonly credential: CheckCredential;
  readonly ip: string;
  readonly vpcId: string | undefined;
  readonly service: string | undefined;
}

export interface CheckReport {
  readonly outcomes: readonly CheckOutcome[];
  readonly policies: StoredPolicies | undefined;
}

/** Thrown for a check that cannot be made (no draft open, say): shown as it is. */
export class CheckRefused extends Error {}

const policyOf = (policies: StoredPolicies, scope: string): AccessKeyPolicy | null =>
  scope === 'AccessKey' ? policies.key.policy : scope === 'Account' ? policies.account.policy : null;

/** The stored document only while it is the very version decided under: else the entry would be another's. */
const shownPolicy = (policies: StoredPolicies, scope: string, version: number): AccessKeyPolicy | null => {
  const held = scope === 'AccessKey' ? policies.key : scope === 'Account' ? policies.account : undefined;
  return held !== undefined && held.version === version ? held.policy : null;
};

const sourceOf = (input: CheckInput): Source =>
  input.vpcId === undefined ? { ip: input.ip } : { ip: input.ip, vpcId: input.vpcId };

/** Decides in the browser, with the server's decision code, under `pair`. */
const decideLocally = (
  label: string,
  pair: PolicyPair,
  input: CheckInput,
  session: ConsoleSession,
  draftScope: string | undefined,
): CheckOutcome => {
  const { decision } = decider(pair, session.ExemptServices)(sourceOf(input), input.service ?? '');
  const scope = SCOPE_NAMES[decision.scope]!;
  const held =
    decision.scope === 'accessKey' ? pair.key : decision.scope === 'account' ? pair.account : undefined;
  const policy = held?.policy ?? null;
  const entry = entryOf(policy, decision.statement, input.ip);
  return {
    label,
    allowed: decision.allowed,
    reason: decision.reason,
    scope,
    statementIndex: decision.statement < 0 ? null : decision.statement,
    entryIndex: entry < 0 ? null : entry,
    entry:
      entry < 0 || policy === null ? null : (policy.Statements[decision.statement]?.IPList[entry] ?? null),
    policyVersion: scope === draftScope ? null : decision.policyVersion,
    policy,
  };
};

const STS_OUTCOME: CheckOutcome = {
  label: 'STS credential',
  allowed: true,
  reason: 'temporary-credential',
  scope: 'None',
  statementIndex: null,
  entryIndex: null,
  entry: null,
  policyVersion: 0,
  policy: null,
};

const scopeLabel = (scope: string, status: string): string =>
  `${scope === 'AccessKey' ? 'AccessKey-level' : 'Account-level'} policy (${status === 'Active' ? 'Enabled' : 'Disabled'})`;

/**
 * One check of Check an IP. The policies in force and the stored ones are the server's answer
 * (CheckAccessKeyAccess: what this node enforces, each scope alone beside it); the draft, and a
 * key the account-level policy governs, are decided in the browser with the same code.
 */
export const evaluateCheck = async (
  input: CheckInput,
  against: EvaluateAgainst,
  session: ConsoleSession,
  panel: { readonly request: PanelRequest | undefined; readonly draft: string | undefined },
): Promise<CheckReport> => {
  const { credential } = input;
  if (credential.kind === 'sts') return { outcomes: [STS_OUTCOME], policies: undefined };
  const key = credential.kind === 'key' ? credential.key : undefined;
  const policies = await loadStoredPolicies(key === undefined ? null : keyTarget(key, session));
  if (against === 'draft') {
    const pair = pairWithDraft(
      policies,
      key?.accessKeyId,
      panel.request,
      panel.draft,
      session.PolicyLimits.MaxEntriesPerStatement,
    );
    if (pair === undefined) {
      throw new CheckRefused(
        'Open the Network Access Control panel of this key or of the account, with a valid draft, to evaluate it.',
      );
    }
    const draftScope = panel.request?.scope.kind === 'account' ? 'Account' : 'AccessKey';
    return {
      outcomes: [decideLocally('The draft open in the panel', pair, input, session, draftScope)],
      policies,
    };
  }
  if (key === undefined) {
    if (against === 'in-force') {
      return {
        outcomes: [decideLocally('Policies in force', policies, input, session, undefined)],
        policies,
      };
    }
    const account = policies.account.policy;
    if (account === null) throw new CheckRefused('No account-level policy is stored.');
    const forced: PolicyPair = {
      key: { policy: null, version: 0 },
      account: { policy: { ...account, Status: 'Active' }, version: policies.account.version },
    };
    const outcome = decideLocally(scopeLabel('Account', account.Status), forced, input, session, undefined);
    return { outcomes: [{ ...outcome, policy: account }], policies };
  }
  const answer = await callAction<CheckAnswer>('Keyfence', 'CheckAccessKeyAccess', {
    AccessKeyId: key.accessKeyId,
    SourceIp: input.ip,
    VpcId: input.vpcId,
    Service: input.service,
  });
  return { outcomes: outcomesOf(answer, against, policies), policies };
};

/** The outcomes a CheckAccessKeyAccess answer gives: the decision, or each stored scope's alone. */
export const outcomesOf = (
  answer: CheckAnswer,
  against: EvaluateAgainst,
  policies: StoredPolicies,
): CheckOutcome[] => {
  if (against === 'in-force') {
    return [
      {
        label: 'Policies in force',
        allowed: answer.Allowed,
        reason: answer.Reason,
        scope: answer.Scope,
        statementIndex: answer.StatementIndex,
        entryIndex: answer.EntryIndex,
        entry: answer.Entry,
        policyVersion: answer.PolicyVersion,
        policy: shownPolicy(policies, answer.Scope, answer.PolicyVersion),
      },
    ];
  }
  if (answer.Scopes.length === 0)
    throw new CheckRefused('No policy is stored for this key or for the account.');
  return answer.Scopes.map((s) => ({
    label: `${scopeLabel(s.Scope, s.Status)}${s.Effective ? ', in force' : ''}`,
    allowed: s.Allowed,
    reason: s.Reason,
    scope: s.Scope,
    statementIndex: s.StatementIndex,
    entryIndex: s.EntryIndex,
    entry: s.Entry,
    policyVersion: s.PolicyVersion,
    policy: shownPolicy(policies, s.Scope, s.PolicyVersion) ?? policyOf(policies, s.Scope),
  }));
};
