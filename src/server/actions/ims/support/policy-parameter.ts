import { parsePolicy } from '../../../../policy/parse-policy.js';
import type { AccessKeyPolicy, CanonicalPolicyJson } from '../../../../policy/policy-document.js';
import type { PolicyLimits } from '../../../../policy/policy-limits.js';
import type { PolicyProblem } from '../../../../policy/policy-problem.js';
import { type ApiError, invalidParameter, missingParameter } from '../../../errors/api-error.js';
import type { Params } from '../../support/params.js';

export interface AcceptedPolicy {
  readonly policy: AccessKeyPolicy;
  readonly canonical: CanonicalPolicyJson;
  readonly warnings: readonly PolicyProblem[];
}

/**
 * The `AccessKeyPolicy` parameter of the Set actions, validated (docs/policy-errors.md). An
 * invalid document is refused with every problem in the message (for people and SDK error
 * messages) and in `PolicyProblems` (for programs), so one round trip shows all there is to fix.
 * `{}` is refused too: it reads as "never set" and cannot be set. `limits` are the deployment's
 * (`policyLimits`).
 */
export function readAccessKeyPolicy(params: Params, limits: PolicyLimits): AcceptedPolicy {
  const text = params.AccessKeyPolicy;
  if (text === undefined || text === '') throw missingParameter('AccessKeyPolicy');
  const result = parsePolicy(text, limits);
  if (!result.ok) throw invalidAccessKeyPolicy(result.errors);
  return result;
}

function invalidAccessKeyPolicy(errors: readonly PolicyProblem[]): ApiError {
  const count = errors.length === 1 ? '1 problem' : `${errors.length} problems`;
  const listed = errors.map((problem) => `[${problem.code}] ${problem.message}`).join('; ');
  return invalidParameter('AccessKeyPolicy', `${count}: ${listed}`, {
    PolicyProblems: errors.map(problemBody),
  });
}

/**
 * Warnings about an accepted policy (e.g. a CIDR stored without its host bits), in an extra
 * `Warnings` field that the SDKs ignore; left out when there are none, as in Alibaba's answer.
 */
export function warningsBody(warnings: readonly PolicyProblem[]): Record<string, unknown> {
  return warnings.length === 0 ? {} : { Warnings: warnings.map(problemBody) };
}

function problemBody(problem: PolicyProblem): Record<string, unknown> {
  return {
    Code: problem.code,
    Message: problem.message,
    ...(problem.statement === undefined ? {} : { Statement: problem.statement }),
    ...(problem.entry === undefined ? {} : { Entry: problem.entry }),
    ...(problem.field === undefined ? {} : { Field: problem.field }),
  };
}
