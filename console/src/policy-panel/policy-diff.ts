import { isNeverSet } from '@keyfence/policy/no-policy.js';
import type { PolicyStatement, PolicyStatus } from '@keyfence/policy/policy-document.js';

/** One statement's change: its name and the entries added or removed. */
export interface StatementDiff {
  readonly name: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

export interface PolicyDiff {
  /** `[before, after]` when the status changes; before is undefined for a policy never set. */
  readonly status: readonly [PolicyStatus | undefined, PolicyStatus] | undefined;
  readonly statements: readonly StatementDiff[];
}

interface Document {
  readonly Status: PolicyStatus;
  readonly Statements: readonly PolicyStatement[];
}

const nameOf = (s: PolicyStatement): string =>
  s.Type === 'ClassicWhiteList' ? 'Public network' : `VPC ${s.Value}`;

function entriesByStatement(document: Document | undefined): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  for (const s of document?.Statements ?? []) {
    const entries = found.get(nameOf(s)) ?? new Set<string>();
    for (const e of s.IPList) entries.add(e);
    found.set(nameOf(s), entries);
  }
  return found;
}

/** What Submit changes in the document: status, and per statement (public, each VPC) the entries. */
export function diffPolicies(beforeJson: string, afterJson: string): PolicyDiff {
  const before = isNeverSet(beforeJson) ? undefined : (JSON.parse(beforeJson) as Document);
  const after = JSON.parse(afterJson) as Document;
  const old = entriesByStatement(before);
  const now = entriesByStatement(after);
  const statements: StatementDiff[] = [];
  for (const name of new Set([...now.keys(), ...old.keys()])) {
    const a = now.get(name) ?? new Set<string>();
    const b = old.get(name) ?? new Set<string>();
    const added = [...a].filter((e) => !b.has(e));
    const removed = [...b].filter((e) => !a.has(e));
    if (added.length > 0 || removed.length > 0) statements.push({ name, added, removed });
  }
  return {
    status: before?.Status === after.Status ? undefined : [before?.Status, after.Status],
    statements,
  };
}
