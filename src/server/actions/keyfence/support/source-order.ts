import type { KeySourceRollup } from '../../../../store/index.js';

/** `SortBy` of ListAccessKeySources: most calls (allowed and denied) first, or most recent first. */
export type SourceSort = 'Calls' | 'LastSeen';

export const SOURCE_SORTS: readonly SourceSort[] = ['Calls', 'LastSeen'];

/** Where a row stands in an order: its sort value, then the (key, source, VPC) that breaks ties. */
export interface SourcePosition {
  readonly value: number;
  readonly accessKeyId: string;
  readonly sourceIp: string;
  /** '' for a public source. */
  readonly vpcId: string;
}

export function positionOf(row: KeySourceRollup, sort: SourceSort): SourcePosition {
  return {
    value: sort === 'Calls' ? row.allowed + row.denied : row.lastSeen.getTime(),
    accessKeyId: row.accessKeyId,
    sourceIp: row.sourceIp,
    vpcId: row.vpcId ?? '',
  };
}

/**
 * The order of a listing: the sort value descending, then key, source and VPC ascending in code
 * point order, so that every row has one place and pages never repeat or skip one.
 */
export function comparePositions(a: SourcePosition, b: SourcePosition): number {
  if (a.value !== b.value) return b.value - a.value;
  return (
    compareText(a.accessKeyId, b.accessKeyId) ||
    compareText(a.sourceIp, b.sourceIp) ||
    compareText(a.vpcId, b.vpcId)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
