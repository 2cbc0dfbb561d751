import type { SourcePosition, SourceSort } from './source-order.js';

/**
 * What a ListAccessKeySources `NextToken` carries: the listing it continues (window, order and a
 * digest of the scope, so that a token is refused by any other listing and a default window does
 * not drift between pages) and the position of the last source returned.
 */
export interface SourcesToken {
  /** Whole seconds. */
  readonly start: Date;
  readonly end: Date;
  readonly sort: SourceSort;
  readonly scopeDigest: string;
  readonly after: SourcePosition;
}

const SORT_CODES: Readonly<Record<SourceSort, string>> = { Calls: 'C', LastSeen: 'L' };
const digestShape = /^[0-9a-f]{16}$/;
// Room for a key, an IPv6 source and a VPC ID, base64url-encoded.
const tokenShape = /^[A-Za-z0-9_-]{1,600}$/;

// base64url of the JSON array ["v1", start s, end s, "C" | "L", digest, value, key, source, VPC].
export function encodeSourcesToken(token: SourcesToken): string {
  const { after } = token;
  const payload = JSON.stringify([
    'v1',
    token.start.getTime() / 1000,
    token.end.getTime() / 1000,
    SORT_CODES[token.sort],
    token.scopeDigest,
    after.value,
    after.accessKeyId,
    after.sourceIp,
    after.vpcId,
  ]);
  return Buffer.from(payload, 'utf8').toString('base64url');
}

/**
 * The token, or undefined when `text` is not one this server issued in this format. Validated,
 * not signed: whatever a changed token points at lies inside the caller's own account, which
 * the same caller may list anyway.
 */
export function decodeSourcesToken(text: string): SourcesToken | undefined {
  if (!tokenShape.test(text)) return undefined;
  const payload = Buffer.from(text, 'base64url').toString('utf8');
  // Node's base64url decoder skips what it cannot read; only the canonical spelling is accepted.
  if (Buffer.from(payload, 'utf8').toString('base64url') !== text) return undefined;
  let fields: unknown;
  try {
    fields = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (!Array.isArray(fields) || fields.length !== 9 || fields[0] !== 'v1') return undefined;
  const [, start, end, sortCode, scopeDigest, value, accessKeyId, sourceIp, vpcId] = fields as unknown[];
  const sort = (Object.keys(SORT_CODES) as SourceSort[]).find((s) => SORT_CODES[s] === sortCode);
  if (
    !isWhole(start) ||
    !isWhole(end) ||
    sort === undefined ||
    typeof scopeDigest !== 'string' ||
    !digestShape.test(scopeDigest) ||
    !isWhole(value) ||
    typeof accessKeyId !== 'string' ||
    typeof sourceIp !== 'string' ||
    typeof vpcId !== 'string'
  ) {
    return undefined;
  }
  const window = { start: new Date(start * 1000), end: new Date(end * 1000) };
  if (Number.isNaN(window.start.getTime()) || Number.isNaN(window.end.getTime())) return undefined;
  return {
    ...window,
    sort,
    scopeDigest,
    after: { value, accessKeyId, sourceIp, vpcId },
  };
}

function isWhole(value: unknown): value is number {
  return Number.isSafeInteger(value);
}
