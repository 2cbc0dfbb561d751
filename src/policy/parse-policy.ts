import { utf8Length } from '../common/utf8-length.js';
import { findDuplicateKeys } from './find-duplicate-keys.js';
import { describeJsonValue, isJsonObject, type JsonObject } from './json-value.js';
import { parseStatement } from './parse-statement.js';
import type {
  AccessKeyPolicy,
  CanonicalPolicyJson,
  PolicyStatement,
  PolicyStatus,
} from './policy-document.js';
import { DEFAULT_POLICY_LIMITS, type PolicyLimits } from './policy-limits.js';
import { clip, PolicyCode, type PolicyProblem, type PolicyProblems, policyError } from './policy-problem.js';
import { serializePolicy } from './serialize-policy.js';
import { reportUnknownFields } from './unknown-fields.js';

export type PolicyParseResult =
  | {
      readonly ok: true;
      readonly policy: AccessKeyPolicy;
      /** The form to store and to return from Get: `serializePolicy(policy)`. */
      readonly canonical: CanonicalPolicyJson;
      readonly warnings: PolicyProblem[];
    }
  | { readonly ok: false; readonly errors: PolicyProblem[]; readonly warnings: PolicyProblem[] };

const POLICY_FIELDS = ['Version', 'Status', 'Statements'] as const;

/** UTF-8 never takes fewer bytes than UTF-16 code units, so the length test settles most inputs. */
function exceedsBytes(text: string, max: number): boolean {
  return text.length > max || utf8Length(text) > max;
}

function parseVersion(policy: JsonObject, problems: PolicyProblems): void {
  // Absent means 1 (Alibaba echoes 1 either way); "1" as a string is refused, not coerced.
  if (!Object.hasOwn(policy, 'Version') || policy.Version === 1) return;
  problems.errors.push(
    policyError(
      PolicyCode.Version,
      `Version must be the number 1, got ${describeJsonValue(policy.Version)}`,
      { field: 'Version' },
    ),
  );
}

function parseStatus(value: unknown, problems: PolicyProblems): PolicyStatus | undefined {
  if (value === 'Active' || value === 'Inactive') return value;
  const got = value === undefined ? 'it is missing' : `got ${describeJsonValue(value)}`;
  problems.errors.push(
    policyError(PolicyCode.Status, `Status must be "Active" or "Inactive" (case-sensitive); ${got}`, {
      field: 'Status',
    }),
  );
  return undefined;
}

function parseStatements(
  value: unknown,
  limits: PolicyLimits,
  problems: PolicyProblems,
): PolicyStatement[] | undefined {
  if (!Array.isArray(value)) {
    const got = value === undefined ? 'it is missing' : `got ${describeJsonValue(value)}`;
    problems.errors.push(
      policyError(PolicyCode.Statements, `Statements must be an array (it may be empty); ${got}`, {
        field: 'Statements',
      }),
    );
    return undefined;
  }
  const errorsBefore = problems.errors.length;
  if (value.length > limits.maxStatements) {
    problems.errors.push(
      policyError(
        PolicyCode.TooManyStatements,
        `the policy has ${value.length} statements; the limit is ${limits.maxStatements}`,
        { field: 'Statements' },
      ),
    );
  }
  const statements: PolicyStatement[] = [];
  let classic = 0;
  value.forEach((item: unknown, index: number) => {
    const statement = parseStatement(item, index, limits, problems);
    if (isJsonObject(item) && item.Type === 'ClassicWhiteList' && ++classic > limits.maxClassicStatements) {
      problems.errors.push(
        policyError(
          PolicyCode.TooManyClassicWhiteLists,
          `statement ${index} is ClassicWhiteList number ${classic}; a policy may have at most ` +
            `${limits.maxClassicStatements} (the public-network list)`,
          { statement: index, field: 'Type' },
        ),
      );
    }
    if (statement !== undefined) statements.push(statement);
  });
  return problems.errors.length === errorsBefore ? statements : undefined;
}

/** The problem for a document over `maxDocumentBytes`; also used by readers that stop reading early. */
export function policyTooLarge(limits: PolicyLimits): PolicyProblem {
  return policyError(
    PolicyCode.TooLarge,
    `the policy document is larger than the limit of ${limits.maxDocumentBytes} bytes`,
  );
}

/**
 * Validates an AccessKeyPolicy document (docs/policy-errors.md) and returns it
 * with canonical entries, or every problem found. Never throws: any string gets a result.
 */
export function parsePolicy(json: string, limits: PolicyLimits = DEFAULT_POLICY_LIMITS): PolicyParseResult {
  const problems: PolicyProblems = { errors: [], warnings: [] };
  const fail = (): PolicyParseResult => ({ ok: false, errors: problems.errors, warnings: problems.warnings });
  if (exceedsBytes(json, limits.maxDocumentBytes)) {
    problems.errors.push(policyTooLarge(limits));
    return fail();
  }
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    problems.errors.push(policyError(PolicyCode.Json, `the policy is not valid JSON: ${reason}`));
    return fail();
  }
  for (const path of findDuplicateKeys(json)) {
    problems.errors.push(
      policyError(
        PolicyCode.DuplicateKey,
        `key ${JSON.stringify(clip(path))} appears more than once in its object`,
        { field: clip(path) },
      ),
    );
  }
  if (!isJsonObject(document)) {
    problems.errors.push(
      policyError(
        PolicyCode.NotObject,
        `the policy must be a JSON object, got ${describeJsonValue(document)}`,
      ),
    );
    return fail();
  }
  if (Object.keys(document).length === 0) {
    problems.errors.push(
      policyError(
        PolicyCode.Empty,
        'the policy is empty ("{}" means "never set"); to clear a policy, set ' +
          '{"Version":1,"Status":"Inactive","Statements":[]}',
      ),
    );
    return fail();
  }
  problems.errors.push(...reportUnknownFields(document, POLICY_FIELDS));
  parseVersion(document, problems);
  const status = parseStatus(document.Status, problems);
  const statements = parseStatements(document.Statements, limits, problems);
  if (problems.errors.length > 0 || status === undefined || statements === undefined) return fail();
  const policy: AccessKeyPolicy = { Version: 1, Status: status, Statements: statements };
  return { ok: true, policy, canonical: serializePolicy(policy), warnings: problems.warnings };
}
