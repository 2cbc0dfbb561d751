import type { Brand } from '../common/brand.js';

/** The Alibaba `AccessKeyPolicy` document, after validation. */
export type PolicyStatus = 'Active' | 'Inactive';
export type StatementType = 'ClassicWhiteList' | 'VPCWhiteList';

/** `AllowAllVPC` in a VPCWhiteList's `Value` matches calls from any VPC. */
export const ALLOW_ALL_VPC = 'AllowAllVPC';

export type PolicyStatement =
  | { readonly Type: 'ClassicWhiteList'; readonly IPList: readonly string[] }
  | { readonly Type: 'VPCWhiteList'; readonly Value: string; readonly IPList: readonly string[] };

export interface AccessKeyPolicy {
  readonly Version: 1;
  readonly Status: PolicyStatus;
  readonly Statements: readonly PolicyStatement[];
}

/** A policy serialised by `serializePolicy`: the only form that is stored and returned. */
export type CanonicalPolicyJson = Brand<string, 'CanonicalPolicyJson'>;

/** What GetAccessKeyPolicy returns for a scope whose policy was never set. */
export const NEVER_SET_POLICY = '{}';
