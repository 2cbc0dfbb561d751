import { displayAddress } from '../../net/display-address.js';
import type { Credential, DecisionReason, Source } from '../../policy/decision.js';
import { DecisionIndex } from '../../policy/decision-index.js';
import type { AccessKeyPolicy } from '../../policy/policy-document.js';
import { type ApiError, invalidParameter, lockoutPrevented } from '../errors/api-error.js';
import type { PolicyTarget } from './action.js';

/** The request parameter that sets a policy even though it would deny the request setting it. */
export const LOCKOUT_OVERRIDE_PARAMETER = 'IgnoreLockoutCheck';

/** The request a policy write is checked against: its key, its source, its service. */
export interface LockoutSubject {
  readonly credential: Credential;
  readonly source: Source;
  readonly service: string;
  readonly params: Readonly<Record<string, string>>;
}

// One key in one account: whatever the IDs, the throwaway index holds only the candidate.
const PROBE_KEY = 'lockout-probe-key';
const PROBE_ACCOUNT = 'lockout-probe-account';

/**
 * The lockout guard (docs/server.md). Refuses to set `candidate` on `target` when the request doing it
 * is allowed now and would be denied once the candidate is in force: same key, same source, same
 * service. The other scope's policy is taken as the index has it, so the check follows the
 * decision's precedence (an Active key-level policy overrides the account's; an Inactive one has
 * no effect). `IgnoreLockoutCheck=true` on the request overrides the guard.
 */
export function guardLockout(
  index: DecisionIndex,
  subject: LockoutSubject,
  target: PolicyTarget,
  candidate: AccessKeyPolicy,
): void {
  if (overridden(subject.params)) return;
  const { credential, source, service } = subject;
  const current = index.explain(credential, source, service);
  const { allowed, reason } = current.decision;
  // Exempt services and STS credentials are allowed whatever the policies say; a request already
  // denied has nothing left to lose.
  if (!allowed || reason === 'exempt-service' || reason === 'temporary-credential') return;
  const keyScope = current.scopes.find((s) => s.scope === 'accessKey');
  const accountScope = current.scopes.find((s) => s.scope === 'account');
  let refusal: DecisionReason | undefined;
  if (target.kind === 'accessKey') {
    if (target.accessKeyId !== credential.accessKeyId) return;
    if (candidate.Status === 'Active') refusal = denialBy(candidate, source, service);
    else if (accountScope?.status === 'Active' && !accountScope.wouldAllow) refusal = accountScope.reason;
  } else {
    if (keyScope?.status === 'Active') return;
    if (candidate.Status === 'Active') refusal = denialBy(candidate, source, service);
  }
  if (refusal !== undefined) throw lockoutRefusal(credential, source, target, refusal);
}

function overridden(params: Readonly<Record<string, string>>): boolean {
  const value = params[LOCKOUT_OVERRIDE_PARAMETER];
  if (value === undefined) return false;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw invalidParameter(LOCKOUT_OVERRIDE_PARAMETER, 'it must be true or false.');
}

/** Why `policy` alone would deny the source, or undefined if it would allow it. */
function denialBy(policy: AccessKeyPolicy, source: Source, service: string): DecisionReason | undefined {
  const probe = new DecisionIndex();
  probe.setKey(PROBE_KEY, PROBE_ACCOUNT, policy, 0);
  const decision = probe.decide({ accessKeyId: PROBE_KEY, temporary: false }, source, service);
  return decision.allowed ? undefined : decision.reason;
}

function lockoutRefusal(
  credential: Credential,
  source: Source,
  target: PolicyTarget,
  reason: DecisionReason,
): ApiError {
  const from = source.ip === '' ? 'an unreadable forwarded address' : displayAddress(source.ip);
  const where = source.vpcId === undefined ? '' : ` in ${source.vpcId}`;
  return lockoutPrevented(
    `AccessKey ${credential.accessKeyId} from ${from}${where}`,
    LOCKOUT_OVERRIDE_PARAMETER,
    {
      LockoutDetail: {
        SourceIp: source.ip === '' ? null : displayAddress(source.ip),
        VpcId: source.vpcId ?? null,
        Scope: target.kind === 'accessKey' ? 'AccessKey' : 'Account',
        Reason: reason,
      },
    },
  );
}
