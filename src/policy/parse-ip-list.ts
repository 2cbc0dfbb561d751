import { parseCidr } from '../net/cidr.js';
import { describeJsonValue } from './json-value.js';
import type { PolicyLimits } from './policy-limits.js';
import { PolicyCode, type PolicyProblems, policyError, policyWarning } from './policy-problem.js';

/**
 * Validates a statement's `IPList` and returns its entries in canonical form, or undefined when
 * anything in it is wrong. Every bad entry is reported, each with its statement index and
 * position, so one round trip fixes them all.
 */
export function parseIPList(
  value: unknown,
  statement: number,
  limits: PolicyLimits,
  problems: PolicyProblems,
): string[] | undefined {
  const listError = (message: string) =>
    problems.errors.push(policyError(PolicyCode.StatementIPList, message, { statement, field: 'IPList' }));
  if (value === undefined) {
    listError(`statement ${statement} has no IPList`);
    return undefined;
  }
  if (!Array.isArray(value)) {
    listError(`statement ${statement}: IPList must be an array of strings, got ${describeJsonValue(value)}`);
    return undefined;
  }
  if (value.length === 0) {
    listError(
      `statement ${statement}: IPList must not be empty (a statement that allows nothing is an error)`,
    );
    return undefined;
  }
  const errorsBefore = problems.errors.length;
  if (value.length > limits.maxEntriesPerStatement) {
    problems.errors.push(
      policyError(
        PolicyCode.TooManyEntries,
        `statement ${statement} has ${value.length} IPList entries; the limit is ${limits.maxEntriesPerStatement}`,
        { statement, field: 'IPList' },
      ),
    );
  }
  const canonical: string[] = [];
  value.forEach((item: unknown, k: number) => {
    const field = `IPList[${k}]`;
    if (typeof item !== 'string') {
      const shown = describeJsonValue(item);
      problems.errors.push(
        policyError(
          PolicyCode.StatementIPList,
          `statement ${statement}, ${field}: ${shown} is not a string`,
          {
            statement,
            entry: shown,
            field,
          },
        ),
      );
      return;
    }
    const parsed = parseCidr(item);
    if (!parsed.ok) {
      problems.errors.push(
        policyError(parsed.error.code, `statement ${statement}, ${field}: ${parsed.error.message}`, {
          statement,
          entry: item,
          field,
        }),
      );
      return;
    }
    if (parsed.value.hostBitsSet) {
      problems.warnings.push(
        policyWarning(
          PolicyCode.HostBitsSet,
          `statement ${statement}, ${field}: ${JSON.stringify(item)} has host bits set; it is stored as ${parsed.value.canonical}`,
          { statement, entry: item, field },
        ),
      );
    }
    canonical.push(parsed.value.canonical);
  });
  return problems.errors.length === errorsBefore ? canonical : undefined;
}
