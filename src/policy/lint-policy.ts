import { parseCidr } from '../net/cidr.js';
import { toEntryRange } from './entry-range.js';
import { type Coverage, findCoveredEntries, type LocatedEntry } from './find-covered-entries.js';
import { lintEntry } from './lint-entry.js';
import { type AccessKeyPolicy, ALLOW_ALL_VPC, type PolicyStatement } from './policy-document.js';
import { PolicyCode, type PolicyProblem, policyWarning } from './policy-problem.js';

function locate(statement: PolicyStatement, index: number): LocatedEntry[] {
  const entries: LocatedEntry[] = [];
  statement.IPList.forEach((text, k) => {
    // Lint runs on policies parsePolicy accepted; an entry that does not parse is
    // parsePolicy's to report, not lint's.
    const parsed = parseCidr(text);
    if (parsed.ok) entries.push({ ...toEntryRange(parsed.value), statement: index, index: k, text });
  });
  return entries;
}

/** The sources a statement applies to: public network, or one VPC (AllowAllVPC being every VPC). */
function scopeOf(statement: PolicyStatement): string {
  return statement.Type === 'VPCWhiteList' ? `vpc:${statement.Value}` : 'public';
}

const ALLOW_ALL_SCOPE = `vpc:${ALLOW_ALL_VPC}`;

/**
 * Redundant entries, keyed by "statement:index". Entries are compared with those of every
 * statement that applies to the same sources; an AllowAllVPC statement also makes entries of a
 * named VPC redundant, not the other way round. Different VPCs may well reuse the same ranges.
 */
function findRedundant(policy: AccessKeyPolicy, located: readonly LocatedEntry[][]): Map<string, Coverage> {
  const scopes = new Map<string, LocatedEntry[]>();
  policy.Statements.forEach((statement, s) => {
    const scope = scopeOf(statement);
    const entries = scopes.get(scope) ?? [];
    for (const entry of located[s]!) entries.push(entry);
    scopes.set(scope, entries);
  });
  const allowAll = scopes.get(ALLOW_ALL_SCOPE) ?? [];
  const redundant = new Map<string, Coverage>();
  for (const [scope, own] of scopes) {
    const wider = scope.startsWith('vpc:') && scope !== ALLOW_ALL_SCOPE ? allowAll : [];
    for (const c of findCoveredEntries(own, wider)) redundant.set(`${c.entry.statement}:${c.entry.index}`, c);
  }
  return redundant;
}

function redundancyWarning(c: Coverage): PolicyProblem {
  const other =
    c.by.statement === c.entry.statement
      ? `IPList[${c.by.index}]`
      : `statement ${c.by.statement}, IPList[${c.by.index}]`;
  const message = c.duplicate
    ? `duplicates ${c.by.text} (${other})`
    : `is already covered by ${c.by.text} (${other})`;
  return policyWarning(
    c.duplicate ? PolicyCode.DuplicateEntry : PolicyCode.CoveredEntry,
    `statement ${c.entry.statement}, IPList[${c.entry.index}]: ${c.entry.text} ${message}`,
    { statement: c.entry.statement, entry: c.entry.text, field: `IPList[${c.entry.index}]` },
  );
}

/**
 * AllowAllVPC matches every VPC of every account, where the same private ranges recur; an IPList
 * narrower than "everything" then restricts by addresses that do not identify the caller.
 */
function allowAllVpcNarrowList(
  statement: PolicyStatement,
  index: number,
  entries: readonly LocatedEntry[],
): PolicyProblem | undefined {
  if (statement.Type !== 'VPCWhiteList' || statement.Value !== ALLOW_ALL_VPC) return undefined;
  if (entries.length === 0 || entries.some((e) => e.prefix === 0)) return undefined;
  const shown = entries.slice(0, 3).map((e) => e.text);
  if (entries.length > 3) shown.push('…');
  return policyWarning(
    PolicyCode.AllowAllVpcNarrowList,
    `statement ${index}: AllowAllVPC with only narrow entries (${shown.join(', ')}) also allows ` +
      "those addresses in every other account's VPCs; name your VPC IDs instead",
    { statement: index, field: 'Value' },
  );
}

/**
 * Points out what is legal but probably not meant. Only warnings: a policy that parsePolicy
 * accepted is never refused here. Warnings come in document order.
 */
export function lintPolicy(policy: AccessKeyPolicy): PolicyProblem[] {
  const warnings: PolicyProblem[] = [];
  if (policy.Status === 'Active' && policy.Statements.length === 0) {
    warnings.push(
      policyWarning(
        PolicyCode.ActiveWithoutStatements,
        'the policy is Active with no statements: it denies every call from every source; ' +
          'to remove a policy, set it Inactive',
        { field: 'Statements' },
      ),
    );
  }
  const located = policy.Statements.map(locate);
  const redundant = findRedundant(policy, located);
  policy.Statements.forEach((statement, s) => {
    const narrow = allowAllVpcNarrowList(statement, s, located[s]!);
    if (narrow !== undefined) warnings.push(narrow);
    for (const entry of located[s]!) {
      const c = redundant.get(`${s}:${entry.index}`);
      if (c !== undefined) warnings.push(redundancyWarning(c));
      warnings.push(...lintEntry(statement.Type, entry));
    }
  });
  return warnings;
}
