/**
 * Random AccessKeyPolicy statements over the address arbitraries, for the properties that check
 * the decision (and what is derived from it) against a brute force over the same statements.
 */
import fc from 'fast-check';
import type { AccessKeyPolicy, PolicyStatement } from '../../src/policy/policy-document.js';
import { type GeneratedEntry, listEntry } from './address-arbitraries.js';

export interface GeneratedStatement {
  readonly type: 'ClassicWhiteList' | 'VPCWhiteList';
  readonly vpc: string;
  readonly entries: readonly GeneratedEntry[];
}

/** Two VPCs and AllowAllVPC: requests may come from either VPC, or another. */
export const VPCS = ['vpc-aaa', 'vpc-bbb', 'AllowAllVPC'];

/** A statement of either kind with 1 to `maxEntries` entries. */
export function generatedStatement(maxEntries: number): fc.Arbitrary<GeneratedStatement> {
  return fc.record({
    type: fc.constantFrom('ClassicWhiteList' as const, 'VPCWhiteList' as const),
    vpc: fc.constantFrom(...VPCS),
    entries: fc.array(listEntry, { minLength: 1, maxLength: maxEntries }),
  });
}

export function toPolicy(
  statements: readonly GeneratedStatement[],
  status: 'Active' | 'Inactive' = 'Active',
): AccessKeyPolicy {
  return {
    Version: 1,
    Status: status,
    Statements: statements.map(
      (s): PolicyStatement =>
        s.type === 'ClassicWhiteList'
          ? { Type: 'ClassicWhiteList', IPList: s.entries.map((e) => e.text) }
          : { Type: 'VPCWhiteList', Value: s.vpc, IPList: s.entries.map((e) => e.text) },
    ),
  };
}
