/**
 * Stable codes for what is wrong with an AccessKeyPolicy document (errors) or merely suspicious
 * (warnings). Scripts, tests and the API match on these, never on messages; docs/policy-errors.md
 * explains each one. A bad IPList entry carries the net layer's code instead (`Address.*`,
 * `Prefix.*`, see src/net/address-fault.ts).
 */
export const PolicyCode = {
  // Errors: the document is refused.
  TooLarge: 'LimitExceeded.PolicySize',
  Json: 'InvalidPolicy.Json',
  DuplicateKey: 'InvalidPolicy.DuplicateKey',
  NotObject: 'InvalidPolicy.NotObject',
  Empty: 'InvalidPolicy.Empty',
  UnknownField: 'InvalidPolicy.UnknownField',
  Version: 'InvalidPolicy.Version',
  Status: 'InvalidPolicy.Status',
  Statements: 'InvalidPolicy.Statements',
  StatementNotObject: 'InvalidPolicy.Statement.NotObject',
  StatementType: 'InvalidPolicy.Statement.Type',
  StatementValue: 'InvalidPolicy.Statement.Value',
  StatementIPList: 'InvalidPolicy.Statement.IPList',
  TooManyStatements: 'LimitExceeded.Statements',
  TooManyClassicWhiteLists: 'LimitExceeded.ClassicWhiteList',
  TooManyEntries: 'LimitExceeded.IPList',
  // Warnings: the document is accepted.
  HostBitsSet: 'Cidr.HostBitsSet',
  ActiveWithoutStatements: 'Lint.ActiveWithoutStatements',
  AllowAllVpcNarrowList: 'Lint.AllowAllVpcNarrowList',
  DuplicateEntry: 'Lint.DuplicateEntry',
  CoveredEntry: 'Lint.CoveredEntry',
  UnspecifiedAddress: 'Lint.UnspecifiedAddress',
  PrivateRangeInPublicList: 'Lint.PrivateRangeInPublicList',
  WideMask: 'Lint.WideMask',
  IPv6CoversMappedBlock: 'Lint.IPv6CoversMappedBlock',
} as const;

export type PolicyCode = (typeof PolicyCode)[keyof typeof PolicyCode];

export type PolicySeverity = 'error' | 'warning';

export interface PolicyProblem {
  /** A `PolicyCode`, or for a bad IPList entry the net layer's `Address.*` / `Prefix.*` code. */
  readonly code: string;
  readonly message: string;
  /** Index in `Statements` of the statement concerned. */
  readonly statement?: number;
  /** The IPList entry concerned, as written (cut to 64 characters when longer). */
  readonly entry?: string;
  /**
   * Where in the document: a top-level field (`Status`), a field of the statement (`Type`,
   * `IPList`), an entry's position in its statement (`IPList[3]`), or a JSON path for a
   * duplicate key (`Statements[0].Type`).
   */
  readonly field?: string;
  readonly severity: PolicySeverity;
}

export interface ProblemLocation {
  readonly statement?: number | undefined;
  readonly entry?: string | undefined;
  readonly field?: string | undefined;
}

/** Errors and warnings collected while validating one document. */
export interface PolicyProblems {
  readonly errors: PolicyProblem[];
  readonly warnings: PolicyProblem[];
}

const MAX_SHOWN = 64;

/** Cuts user text for a report: a 60 KB "entry" must not come back 60 KB long in every problem. */
export function clip(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

function problem(
  severity: PolicySeverity,
  code: string,
  message: string,
  location: ProblemLocation,
): PolicyProblem {
  // Absent locations are left out rather than set to undefined, so reports serialise cleanly.
  return {
    code,
    message,
    ...(location.statement === undefined ? {} : { statement: location.statement }),
    ...(location.entry === undefined ? {} : { entry: clip(location.entry) }),
    ...(location.field === undefined ? {} : { field: location.field }),
    severity,
  };
}

export function policyError(code: string, message: string, location: ProblemLocation = {}): PolicyProblem {
  return problem('error', code, message, location);
}

export function policyWarning(code: string, message: string, location: ProblemLocation = {}): PolicyProblem {
  return problem('warning', code, message, location);
}
