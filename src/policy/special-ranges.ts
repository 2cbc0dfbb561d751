import { parseCidr } from '../net/cidr.js';
import { type EntryRange, toEntryRange } from './entry-range.js';

export interface SpecialRange {
  readonly cidr: string;
  readonly name: string;
  readonly range: EntryRange;
}

/**
 * Address blocks that never appear as the source of a request arriving over the public network,
 * so an entry inside one in a ClassicWhiteList allows nobody (or, behind a misconfigured proxy,
 * the wrong clients). The unspecified addresses are left to their own, more specific, warning.
 */
const TABLE: readonly (readonly [cidr: string, name: string])[] = [
  ['0.0.0.0/8', '"this network" (RFC 1122)'],
  ['10.0.0.0/8', 'private (RFC 1918)'],
  ['100.64.0.0/10', 'carrier-grade NAT (RFC 6598)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private (RFC 1918)'],
  ['192.168.0.0/16', 'private (RFC 1918)'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved (RFC 1112, with broadcast)'],
  ['::1/128', 'loopback'],
  ['fc00::/7', 'unique local (RFC 4193)'],
  ['fe80::/10', 'link-local'],
  ['ff00::/8', 'multicast'],
];

export const SPECIAL_RANGES: readonly SpecialRange[] = TABLE.map(([cidr, name]) => {
  const parsed = parseCidr(cidr);
  if (!parsed.ok) throw new Error(`special range ${cidr} does not parse: ${parsed.error.message}`);
  return { cidr, name, range: toEntryRange(parsed.value) };
});
