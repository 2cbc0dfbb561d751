import type { PolicyLimits } from '../../policy/policy-limits.js';
import type { KeyFenceStore } from '../../store/index.js';
import { allows, type PoliciesOf } from '../rpc/authorize.js';
import type { LiveSession } from './console-sessions.js';

/** What this node says of itself in every session answer. */
export interface NodeFacts {
  readonly nodeId: string;
  /** The change-log version whose policies it enforces. */
  readonly appliedVersion: number;
  /** True when the store has not answered for longer than `sync.staleAfterMs`. */
  readonly stale: boolean;
}

export interface SessionAnswerDependencies {
  readonly store: KeyFenceStore;
  readonly policiesOf: PoliciesOf;
  /** Every RAM action an action is authorized by. */
  readonly ramActions: readonly string[];
  readonly node: () => NodeFacts;
  readonly exemptServices: readonly string[];
  readonly policyLimits: PolicyLimits;
  readonly retentionDays: number;
}

/**
 * `ConsoleSession`, the answer of `GET /console/api/session`, sign-in and setup: who is signed
 * in, the CSRF token, what the menus may offer (`Permissions`, decided as authorization decides)
 * and the settings the pages show. No secret but the session's own CSRF token. With
 * `PasswordResetRequired`, the console shows nothing but the form that changes the password.
 */
export async function sessionAnswer(
  deps: SessionAnswerDependencies,
  { record, caller, passwordResetRequired }: LiveSession,
  clientIp: string,
): Promise<Record<string, unknown>> {
  const { principal, accountId } = caller;
  let identity: Record<string, unknown> = { Type: 'root' };
  let permissions: readonly string[] = deps.ramActions;
  if (principal.type === 'ram-user') {
    const user = await deps.store.getUser(accountId, principal.userName);
    identity = { Type: 'ram-user', UserName: user.userName, UserPrincipalName: user.userPrincipalName };
    const granted: string[] = [];
    const ref = { accountId, userName: principal.userName };
    for (const action of deps.ramActions)
      if (await allows(ref, action, deps.policiesOf)) granted.push(action);
    permissions = granted;
  }
  // Until the password is changed, the session may call nothing the menus offer.
  if (passwordResetRequired) permissions = [];
  const preference = await deps.store.securityPreference(accountId);
  const node = deps.node();
  return {
    AccountId: accountId,
    Identity: identity,
    CsrfToken: record.csrfToken,
    ExpiresAt: record.expiresAt.toISOString(),
    Permissions: permissions,
    RootAccessKeyAcknowledged: record.rootAccessKeyAcknowledged,
    PasswordResetRequired: passwordResetRequired,
    ClientIp: clientIp,
    NodeId: node.nodeId,
    PolicyVersion: node.appliedVersion,
    NodeStale: node.stale,
    ExemptServices: deps.exemptServices,
    PolicyLimits: {
      MaxStatements: deps.policyLimits.maxStatements,
      MaxEntriesPerStatement: deps.policyLimits.maxEntriesPerStatement,
    },
    RotationDays: preference.accessKeyRotationDays,
    PreviewWindowDays: preference.impactPreviewDays,
    RetentionDays: deps.retentionDays,
  };
}
