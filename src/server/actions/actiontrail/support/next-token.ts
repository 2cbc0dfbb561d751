import type { AuditEventCursor } from '../../../../store/index.js';

export type Direction = 'BACKWARD' | 'FORWARD';

/**
 * What a LookupEvents `NextToken` carries: the query it continues (window, direction and a
 * digest of the filters, so that a token is refused by any other query, and so that a default
 * window does not drift between pages) and the last event returned.
 */
export interface PageToken {
  /** Whole seconds, as the request gave them. */
  readonly start: Date;
  readonly end: Date;
  readonly direction: Direction;
  readonly filterDigest: string;
  readonly cursor: AuditEventCursor;
}

// v1.<start s>.<end s>.<B|F>.<filter digest>.<cursor ms>.<event ID>, base64url-encoded.
const payloadShape =
  /^v1\.(-?\d{1,12})\.(-?\d{1,12})\.([BF])\.([0-9a-f]{16})\.(\d{1,15})\.([0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12})$/;
const tokenShape = /^[A-Za-z0-9_-]{1,200}$/;

export function encodeNextToken(token: PageToken): string {
  const payload = [
    'v1',
    token.start.getTime() / 1000,
    token.end.getTime() / 1000,
    token.direction === 'BACKWARD' ? 'B' : 'F',
    token.filterDigest,
    token.cursor.at.getTime(),
    token.cursor.eventId,
  ].join('.');
  return Buffer.from(payload, 'utf8').toString('base64url');
}

/**
 * The token, or undefined when `text` is not one this server issued in this format. A token is
 * opaque to clients but not secret: whatever a changed token points at lies inside the caller's
 * own account, which the same caller may query anyway; so it is validated, not signed.
 */
export function decodeNextToken(text: string): PageToken | undefined {
  if (!tokenShape.test(text)) return undefined;
  const payload = Buffer.from(text, 'base64url').toString('utf8');
  // Node's base64url decoder skips what it cannot read; only the canonical spelling is accepted.
  if (Buffer.from(payload, 'utf8').toString('base64url') !== text) return undefined;
  const match = payloadShape.exec(payload);
  if (match === null) return undefined;
  const [, start, end, direction, filterDigest, at, eventId] = match;
  return {
    start: new Date(Number(start) * 1000),
    end: new Date(Number(end) * 1000),
    direction: direction === 'B' ? 'BACKWARD' : 'FORWARD',
    filterDigest: filterDigest!,
    cursor: { at: new Date(Number(at)), eventId: eventId! },
  };
}
