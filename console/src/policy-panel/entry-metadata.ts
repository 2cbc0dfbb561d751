import type { StatementType } from '@keyfence/policy/policy-document.js';

/**
 * KeyFence's metadata for one entry, kept beside the policy and versioned with it: the elements
 * of `SetAccessKeyPolicy*`'s `EntryDescriptions` and of `GetAccessKeyPolicyDescriptions`'s
 * `Entries`. Keyed by statement type, VPC ID and canonical entry; never part of the document.
 */
export interface EntryMetadata {
  readonly StatementType: StatementType;
  readonly VpcId?: string;
  readonly Entry: string;
  readonly Description?: string;
  readonly Parked?: boolean;
}

/** The key metadata is found by: a statement (kind and VPC ID) and a canonical entry. */
export function metadataKey(type: StatementType, vpcId: string | undefined, entry: string): string {
  return `${type}|${type === 'VPCWhiteList' ? (vpcId ?? '') : ''}|${entry}`;
}

/** What `GetAccessKeyPolicyDescriptions` answers. */
export interface DescriptionsAnswer {
  readonly PolicyVersion: number;
  readonly Entries: readonly EntryMetadata[];
}
