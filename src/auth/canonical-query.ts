import { percentEncode } from './percent-encode.js';
import type { Param } from './request-params.js';

/** Orders name/value pairs by name in UTF-16 code-unit order. */
export const byName = ([a]: Param, [b]: Param) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * `enc(name)=enc(value)` pairs joined by `&`, the canonical query string of both algorithms
 * (docs/auth.md). Sorted by the decoded name in UTF-16 code-unit order, as the
 * Node SDKs sort their parameter objects' keys; names are unique (see mergeParams), so the order
 * is total.
 */
export function canonicalQueryString(params: Iterable<Param>): string {
  return [...params]
    .sort(byName)
    .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`)
    .join('&');
}
