import type { Brand } from '../common/brand.js';
import type { AccessKeyPolicy, StatementType } from './policy-document.js';

/**
 * What KeyFence keeps about one entry beside a scope's policy (docs/server.md, "Entry
 * descriptions and parked entries"): a description, or that the entry is parked (switched off:
 * out of the document, kept here so that it can be switched on again). The document has no place
 * for either and SDK users round-trip it, so they never enter it. Field names are the API's, so
 * that the parameter, the stored form and the answer are one shape.
 */
export interface EntryMetadata {
  readonly StatementType: StatementType;
  /** The statement's `Value` (a VPC ID or `AllowAllVPC`); present exactly for a VPCWhiteList. */
  readonly VpcId?: string;
  /** Canonical, as `parseCidr` writes it (the form the document stores). */
  readonly Entry: string;
  /** At most 256 characters, no control characters; absent rather than empty. */
  readonly Description?: string;
  /** Present (true) only for a parked entry, which is then not in the document. */
  readonly Parked?: true;
}

/** A scope's metadata serialised by `serializeEntryMetadata`: the stored form. */
export type CanonicalEntryMetadataJson = Brand<string, 'CanonicalEntryMetadataJson'>;

/** The statement an entry belongs to: its type, and for a VPCWhiteList its VPC ID. */
export function statementKey(type: StatementType, vpcId: string | undefined): string {
  return type === 'VPCWhiteList' ? `VPCWhiteList ${vpcId ?? ''}` : 'ClassicWhiteList';
}

export const metadataKey = (m: EntryMetadata): string =>
  `${statementKey(m.StatementType, m.VpcId)} ${m.Entry}`;

/** Every entry of `policy` under its metadata key: what a non-parked entry's metadata must name. */
export function documentEntryKeys(policy: AccessKeyPolicy): Set<string> {
  const keys = new Set<string>();
  for (const s of policy.Statements) {
    const statement = statementKey(s.Type, s.Type === 'VPCWhiteList' ? s.Value : undefined);
    for (const entry of s.IPList) keys.add(`${statement} ${entry}`);
  }
  return keys;
}

/**
 * The one stored form: sorted by statement and entry, fields in a fixed order, entries that say
 * nothing (no description, not parked) left out; null when none is left.
 */
export function serializeEntryMetadata(entries: readonly EntryMetadata[]): CanonicalEntryMetadataJson | null {
  const kept = entries
    .filter((m) => m.Description !== undefined || m.Parked === true)
    .map((m) => [metadataKey(m), m] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, m]) => ({
      StatementType: m.StatementType,
      ...(m.StatementType === 'VPCWhiteList' ? { VpcId: m.VpcId } : {}),
      Entry: m.Entry,
      ...(m.Description === undefined ? {} : { Description: m.Description }),
      ...(m.Parked === true ? { Parked: true } : {}),
    }));
  return kept.length === 0 ? null : (JSON.stringify(kept) as CanonicalEntryMetadataJson);
}

/** The stored form read back (written by `serializeEntryMetadata`, so trusted). */
export function decodeEntryMetadata(stored: CanonicalEntryMetadataJson | null): EntryMetadata[] {
  return stored === null ? [] : (JSON.parse(stored) as EntryMetadata[]);
}

/**
 * What a policy change that says nothing about metadata (a Set from an SDK, a rollback without
 * any, a promoted candidate) keeps of `previous` under the new document: the descriptions of the
 * entries still in it, and the parked entries. A parked entry the new document holds again is
 * no longer parked; its description stays.
 */
export function carryEntryMetadata(
  previous: CanonicalEntryMetadataJson | null,
  policy: AccessKeyPolicy,
): CanonicalEntryMetadataJson | null {
  if (previous === null) return null;
  const inDocument = documentEntryKeys(policy);
  const kept: EntryMetadata[] = [];
  for (const m of decodeEntryMetadata(previous)) {
    const present = inDocument.has(metadataKey(m));
    if (m.Parked === true) {
      if (!present) kept.push(m);
      else if (m.Description !== undefined) kept.push(withoutParked(m));
    } else if (present) {
      kept.push(m);
    }
  }
  return serializeEntryMetadata(kept);
}

function withoutParked(m: EntryMetadata): EntryMetadata {
  const { Parked: _parked, ...rest } = m;
  return rest;
}
