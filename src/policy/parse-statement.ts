import { describeJsonValue, isJsonObject } from './json-value.js';
import { parseIPList } from './parse-ip-list.js';
import { ALLOW_ALL_VPC, type PolicyStatement, type StatementType } from './policy-document.js';
import type { PolicyLimits } from './policy-limits.js';
import { PolicyCode, type PolicyProblems, policyError } from './policy-problem.js';
import { reportUnknownFields } from './unknown-fields.js';
import { isVpcId } from './vpc-id.js';

const STATEMENT_FIELDS = ['Type', 'Value', 'IPList'] as const;
const STATEMENT_TYPES: readonly string[] = ['ClassicWhiteList', 'VPCWhiteList'] satisfies StatementType[];

function parseType(statement: number, value: unknown, problems: PolicyProblems): StatementType | undefined {
  if (typeof value === 'string' && STATEMENT_TYPES.includes(value)) return value as StatementType;
  const got = value === undefined ? 'it is missing' : `got ${describeJsonValue(value)}`;
  problems.errors.push(
    policyError(
      PolicyCode.StatementType,
      `statement ${statement}: Type must be "ClassicWhiteList" or "VPCWhiteList" (case-sensitive); ${got}`,
      { statement, field: 'Type' },
    ),
  );
  return undefined;
}

/** A VPCWhiteList names one VPC (or every VPC); its `Value` is what the source VPC is compared with. */
function parseVpcValue(statement: number, value: unknown, problems: PolicyProblems): string | undefined {
  if (typeof value === 'string' && (value === ALLOW_ALL_VPC || isVpcId(value))) return value;
  let why: string;
  if (value === undefined || value === '') why = 'it is missing or empty';
  else if (typeof value !== 'string') why = `got ${describeJsonValue(value)}`;
  else if (value.toLowerCase() === ALLOW_ALL_VPC.toLowerCase()) why = `"${ALLOW_ALL_VPC}" is case-sensitive`;
  else why = `${describeJsonValue(value)} is not a VPC ID ("vpc-" and 1-32 lower-case letters or digits)`;
  problems.errors.push(
    policyError(
      PolicyCode.StatementValue,
      `statement ${statement}: a VPCWhiteList needs Value = a VPC ID or "${ALLOW_ALL_VPC}"; ${why}`,
      { statement, field: 'Value' },
    ),
  );
  return undefined;
}

/** A ClassicWhiteList covers the public network, so a VPC ID there would be meaningless. */
function checkClassicValue(statement: number, value: unknown, problems: PolicyProblems): void {
  if (value === undefined || value === '') return;
  problems.errors.push(
    policyError(
      PolicyCode.StatementValue,
      `statement ${statement}: a ClassicWhiteList must have no Value (or an empty one); got ${describeJsonValue(value)}`,
      { statement, field: 'Value' },
    ),
  );
}

/**
 * Validates one element of `Statements`. Returns the canonical statement, or undefined when it
 * has errors (all of them reported to `problems`).
 */
export function parseStatement(
  value: unknown,
  statement: number,
  limits: PolicyLimits,
  problems: PolicyProblems,
): PolicyStatement | undefined {
  if (!isJsonObject(value)) {
    problems.errors.push(
      policyError(
        PolicyCode.StatementNotObject,
        `statement ${statement} must be an object, got ${describeJsonValue(value)}`,
        { statement },
      ),
    );
    return undefined;
  }
  const errorsBefore = problems.errors.length;
  problems.errors.push(...reportUnknownFields(value, STATEMENT_FIELDS, statement));
  const type = parseType(statement, value.Type, problems);
  let vpc: string | undefined;
  if (type === 'VPCWhiteList') vpc = parseVpcValue(statement, value.Value, problems);
  else if (type === 'ClassicWhiteList') checkClassicValue(statement, value.Value, problems);
  const ipList = parseIPList(value.IPList, statement, limits, problems);
  if (problems.errors.length !== errorsBefore || ipList === undefined) return undefined;
  return type === 'VPCWhiteList'
    ? { Type: type, Value: vpc!, IPList: ipList }
    : { Type: 'ClassicWhiteList', IPList: ipList };
}
