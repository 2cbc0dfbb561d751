import { type AccountId, isUserName } from '../common/identifiers.js';

/**
 * A role's trust policy (`AssumeRolePolicyDocument`), RAM's grammar:
 * `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
 *   "Principal":{"RAM":["acs:ram::<account>:root"]}}]}`.
 *
 * KeyFence's identities assume roles with RAM principals: the account's root (any identity of
 * the account that may call AssumeRole) or one RAM user. Service and Federated principals are
 * accepted, as RAM accepts them, but nothing in KeyFence ever matches them. Principals of other
 * accounts are refused: no identity reaches another account's roles.
 */
export interface TrustStatement {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly ramPrincipals: readonly string[];
  /** Operator → condition key → allowed values; undefined without a `Condition`. */
  readonly condition: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> | undefined;
}

export type TrustPolicyParse =
  | { readonly ok: true; readonly statements: readonly TrustStatement[] }
  | { readonly ok: false; readonly problems: readonly string[] };

const policyFields = new Set(['Version', 'Statement']);
const statementFields = new Set(['Effect', 'Action', 'Principal', 'Condition']);
const principalFields = new Set(['RAM', 'Service', 'Federated']);

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A string, or a non-empty list of strings: how RAM writes Action and principal values. */
function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string' && value !== '') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v !== '')) {
    return value as string[];
  }
  return undefined;
}

/** Checks a trust policy for the role of `accountId`; reports every problem. */
export function parseTrustPolicy(document: string, accountId: AccountId): TrustPolicyParse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    return { ok: false, problems: ['it is not valid JSON'] };
  }
  if (!isObject(parsed)) return { ok: false, problems: ['it must be a JSON object'] };
  const problems: string[] = [];
  for (const field of Object.keys(parsed)) {
    if (!policyFields.has(field)) problems.push(`unknown field ${JSON.stringify(field)}`);
  }
  if (Object.hasOwn(parsed, 'Version') && parsed.Version !== '1') problems.push('Version must be "1"');
  const list = parsed.Statement;
  if (!Array.isArray(list) || list.length === 0) {
    problems.push('Statement must be a non-empty list');
    return { ok: false, problems };
  }
  const statements = list.map((item, index) =>
    parseStatement(item, `statement ${index}`, accountId, problems),
  );
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, statements: statements as TrustStatement[] };
}

function parseStatement(
  item: unknown,
  where: string,
  accountId: AccountId,
  problems: string[],
): TrustStatement | undefined {
  if (!isObject(item)) {
    problems.push(`${where} must be an object`);
    return undefined;
  }
  const before = problems.length;
  for (const field of Object.keys(item)) {
    // Fail closed: a misspelt field (say "Conditions") must not silently widen the grant.
    if (!statementFields.has(field)) problems.push(`${where}: unknown field ${JSON.stringify(field)}`);
  }
  const effect = item.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') problems.push(`${where}: Effect must be "Allow" or "Deny"`);
  const actions = stringList(item.Action);
  if (actions === undefined) problems.push(`${where}: Action must be "sts:AssumeRole" or a list of actions`);
  const ramPrincipals = parsePrincipal(item.Principal, where, accountId, problems);
  const condition = parseCondition(item.Condition, where, problems);
  if (problems.length > before) return undefined;
  return { effect: effect as 'Allow' | 'Deny', actions: actions!, ramPrincipals, condition };
}

function parsePrincipal(value: unknown, where: string, accountId: AccountId, problems: string[]): string[] {
  const fields = isObject(value) ? Object.keys(value) : [];
  if (!isObject(value) || fields.length === 0) {
    problems.push(`${where}: Principal must be an object naming RAM, Service or Federated principals`);
    return [];
  }
  const ram: string[] = [];
  for (const field of fields) {
    const names = stringList(value[field]);
    if (!principalFields.has(field))
      problems.push(`${where}: unknown principal type ${JSON.stringify(field)}`);
    else if (names === undefined)
      problems.push(`${where}: Principal.${field} must be a string or a list of strings`);
    else if (field === 'RAM') {
      for (const name of names) {
        const problem = ramPrincipalProblem(name, accountId);
        if (problem === undefined) ram.push(name);
        else problems.push(`${where}: ${problem}`);
      }
    }
  }
  return ram;
}

const ramPrincipalShape = /^acs:ram::([0-9]+):(root|user\/(.+))$/;

function ramPrincipalProblem(name: string, accountId: AccountId): string | undefined {
  const match = ramPrincipalShape.exec(name);
  if (match === null || (match[3] !== undefined && !isUserName(match[3]))) {
    return (
      `RAM principal ${JSON.stringify(name)} must be acs:ram::<account ID>:root ` +
      'or acs:ram::<account ID>:user/<user name>'
    );
  }
  if (match[1] !== accountId) {
    return (
      `RAM principal ${JSON.stringify(name)} is of another account; ` +
      'roles can be assumed only within their account'
    );
  }
  return undefined;
}

function parseCondition(
  value: unknown,
  where: string,
  problems: string[],
): Record<string, Record<string, string[]>> | undefined {
  if (value === undefined) return undefined;
  const condition: Record<string, Record<string, string[]>> = {};
  const shapeProblem = `${where}: Condition must map operators to {condition key: value or list of values}`;
  if (!isObject(value)) {
    problems.push(shapeProblem);
    return undefined;
  }
  for (const [operator, keys] of Object.entries(value)) {
    if (!isObject(keys)) {
      problems.push(shapeProblem);
      continue;
    }
    condition[operator] = {};
    for (const [key, values] of Object.entries(keys)) {
      const list = stringList(values);
      if (list === undefined) problems.push(shapeProblem);
      else condition[operator][key] = list;
    }
  }
  return condition;
}

const assumeRoleActions = new Set(['sts:assumerole', 'sts:*', '*']);

/**
 * Whether an identity known by `principals` (its ARNs) may assume the role: some Allow statement
 * matches and no Deny statement does. Of conditions, KeyFence evaluates `StringEquals` on
 * `sts:ExternalId`; any other condition keeps an Allow from matching and lets a Deny match, so
 * what KeyFence cannot evaluate never grants.
 */
export function trustAllows(
  statements: readonly TrustStatement[],
  principals: readonly string[],
  externalId: string | undefined,
): boolean {
  const applies = (statement: TrustStatement) =>
    statement.actions.some((action) => assumeRoleActions.has(action.toLowerCase())) &&
    statement.ramPrincipals.some((principal) => principals.includes(principal));
  let allowed = false;
  for (const statement of statements) {
    if (!applies(statement)) continue;
    const holds = conditionHolds(statement.condition, externalId);
    if (statement.effect === 'Deny' && holds !== false) return false;
    if (statement.effect === 'Allow' && holds === true) allowed = true;
  }
  return allowed;
}

/** True or false when the condition can be evaluated, undefined when it cannot. */
function conditionHolds(
  condition: TrustStatement['condition'],
  externalId: string | undefined,
): boolean | undefined {
  if (condition === undefined) return true;
  let holds = true;
  for (const [operator, keys] of Object.entries(condition)) {
    for (const [key, values] of Object.entries(keys)) {
      if (operator !== 'StringEquals' || key.toLowerCase() !== 'sts:externalid') return undefined;
      if (externalId === undefined || !values.includes(externalId)) holds = false;
    }
  }
  return holds;
}
