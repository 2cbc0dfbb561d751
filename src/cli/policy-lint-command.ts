import { lintPolicy } from '../policy/lint-policy.js';
import { parsePolicy } from '../policy/parse-policy.js';
import { DEFAULT_POLICY_LIMITS, type PolicyLimits } from '../policy/policy-limits.js';
import { type PolicyProblem, policyError } from '../policy/policy-problem.js';
import { readPolicyFile } from './read-policy-file.js';

/** What `keyfence policy lint` prints (one JSON object) and the exit code it ends with. */
export interface PolicyLintOutcome {
  readonly exitCode: 0 | 1;
  readonly output: string;
}

interface PolicyLintReport {
  readonly valid: boolean;
  readonly errors: readonly PolicyProblem[];
  readonly warnings: readonly PolicyProblem[];
  /** The document as it would be stored, or null when it is refused. */
  readonly canonical: string | null;
}

function render(report: PolicyLintReport): PolicyLintOutcome {
  return { exitCode: report.valid ? 0 : 1, output: `${JSON.stringify(report, null, 2)}\n` };
}

function refused(problem: PolicyProblem): PolicyLintOutcome {
  return render({ valid: false, errors: [problem], warnings: [], canonical: null });
}

/**
 * Validates and lints a policy document. Exit code 1 means the API would refuse it; warnings
 * (parse warnings such as host bits set, then lint warnings) never change the exit code.
 */
export function runPolicyLint(
  fileText: string,
  limits: PolicyLimits = DEFAULT_POLICY_LIMITS,
): PolicyLintOutcome {
  const result = parsePolicy(fileText, limits);
  if (!result.ok) {
    return render({ valid: false, errors: result.errors, warnings: result.warnings, canonical: null });
  }
  return render({
    valid: true,
    errors: [],
    warnings: [...result.warnings, ...lintPolicy(result.policy)],
    canonical: result.canonical,
  });
}

/** `runPolicyLint` on a file; a file that cannot be read is reported as an error, exit code 1. */
export async function runPolicyLintFile(
  path: string,
  limits: PolicyLimits = DEFAULT_POLICY_LIMITS,
): Promise<PolicyLintOutcome> {
  const read = await readPolicyFile(path, limits);
  if (!read.ok) return refused(policyError(read.error.code, read.error.message));
  return runPolicyLint(read.value, limits);
}
