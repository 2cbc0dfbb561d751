import type { JsonObject } from './json-value.js';
import { clip, PolicyCode, type PolicyProblem, policyError } from './policy-problem.js';

/**
 * Refuses fields the document format does not have. Alibaba's format is small and fixed, so an
 * unknown field is almost always a typo (`IPlist`, `Statement`), and accepting it would store a
 * policy that differs from what its author meant without saying so.
 */
export function reportUnknownFields(
  object: JsonObject,
  known: readonly string[],
  statement?: number,
): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  for (const field of Object.keys(object)) {
    if (known.includes(field)) continue;
    const near = known.find((k) => k.toLowerCase() === field.toLowerCase());
    const hint = near === undefined ? `known fields: ${known.join(', ')}` : `did you mean "${near}"?`;
    const where = statement === undefined ? 'the policy' : `statement ${statement}`;
    const shown = clip(field);
    problems.push(
      policyError(PolicyCode.UnknownField, `unknown field ${JSON.stringify(shown)} in ${where} (${hint})`, {
        statement,
        field: shown,
      }),
    );
  }
  return problems;
}
