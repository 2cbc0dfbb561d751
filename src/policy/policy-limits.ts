import { err, ok, type Result } from '../common/result.js';

/** Per-scope limits on an AccessKeyPolicy document; each deployment may change them. */
export interface PolicyLimits {
  /** Statements per policy (Alibaba: 8). */
  readonly maxStatements: number;
  /** ClassicWhiteList statements per policy (Alibaba: 1, "one public-network policy"). */
  readonly maxClassicStatements: number;
  /** IPList entries per statement (Alibaba: 50). */
  readonly maxEntriesPerStatement: number;
  /**
   * UTF-8 size of the whole document, checked before it is parsed, so that a huge request body
   * costs a length comparison and not a JSON parse. 64 KiB holds 8 × 50 of the longest entries
   * three times over.
   */
  readonly maxDocumentBytes: number;
}

export const DEFAULT_POLICY_LIMITS: PolicyLimits = Object.freeze({
  maxStatements: 8,
  maxClassicStatements: 1,
  maxEntriesPerStatement: 50,
  maxDocumentBytes: 64 * 1024,
});

export interface PolicyLimitsProblem {
  /** `PolicyLimits.NotObject`, `PolicyLimits.UnknownField` or `PolicyLimits.NotPositiveInteger`. */
  readonly code: string;
  /** The configuration field at fault; absent when the whole value is wrong. */
  readonly field?: string;
  readonly message: string;
}

const limitNames = Object.keys(DEFAULT_POLICY_LIMITS) as (keyof PolicyLimits)[];

/**
 * Validates limits read from configuration. Fields left out keep their default; a field that is
 * present must be a positive safe integer, and unknown fields are refused so that a misspelt
 * limit does not silently leave the default in force.
 */
export function parsePolicyLimits(input: unknown): Result<PolicyLimits, PolicyLimitsProblem[]> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return err([{ code: 'PolicyLimits.NotObject', message: 'policy limits must be an object' }]);
  }
  const problems: PolicyLimitsProblem[] = [];
  const limits: Record<string, number> = { ...DEFAULT_POLICY_LIMITS };
  for (const [field, value] of Object.entries(input)) {
    if (!(limitNames as string[]).includes(field)) {
      problems.push({
        code: 'PolicyLimits.UnknownField',
        field,
        message: `unknown policy limit ${JSON.stringify(field)}; known limits: ${limitNames.join(', ')}`,
      });
    } else if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      problems.push({
        code: 'PolicyLimits.NotPositiveInteger',
        field,
        message: `policy limit ${field} must be a positive integer, got ${JSON.stringify(value) ?? String(value)}`,
      });
    } else {
      limits[field] = value;
    }
  }
  return problems.length > 0 ? err(problems) : ok(Object.freeze(limits as unknown as PolicyLimits));
}
