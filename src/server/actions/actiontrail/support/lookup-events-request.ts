import { createHash } from 'node:crypto';

import { formatAlibabaTime, parseAlibabaTime } from '../../../../common/alibaba-time.js';
import { formatAddress, parseAddress } from '../../../../net/address.js';
import { PRODUCTS, type Product } from '../../../../request/product.js';
import type { AuditEventCursor, AuditEventFilter } from '../../../../store/index.js';
import { invalidParameter, missingParameter } from '../../../errors/api-error.js';
import { optionalEnum, optionalInteger, type Params } from '../../support/params.js';
import { type Direction, decodeNextToken, type PageToken } from './next-token.js';

/** A LookupEvents request, validated. */
export interface LookupEventsRequest {
  /** Whole seconds, both inclusive: `end` stands for its whole second. */
  readonly start: Date;
  readonly end: Date;
  readonly filter: AuditEventFilter;
  /** Identifies the filters inside a NextToken. */
  readonly filterDigest: string;
  readonly direction: Direction;
  readonly maxResults: number;
  readonly after: AuditEventCursor | undefined;
}

const DEFAULT_WINDOW_MS = 7 * 24 * 3600 * 1000;
const DEFAULT_MAX_RESULTS = 20;
const MAX_RESULTS = 50;
const DIRECTIONS: readonly Direction[] = ['BACKWARD', 'FORWARD'];
const MAX_ATTRIBUTES = 2;
const MAX_VALUE_LENGTH = 256;

/**
 * The `LookupAttribute` keys KeyFence answers, each turned into a filter on the stored events.
 * ActionTrail documents more (resource names and types); KeyFence's events have no resources.
 */
const ATTRIBUTES: Readonly<Record<string, (value: string, name: string) => AuditEventFilter>> = {
  AccessKeyId: (value) => ({ accessKeyId: value }),
  EventId: (value) => ({ eventId: value }),
  EventName: (value) => ({ eventName: value }),
  EventRW: (value, name) => {
    if (value !== 'Read' && value !== 'Write') throw invalidParameter(name, 'it must be Read or Write.');
    return { eventRW: value };
  },
  RequestId: (value) => ({ requestId: value }),
  Result: (value, name) => {
    if (value !== 'Success' && value !== 'Failure')
      throw invalidParameter(name, 'it must be Success or Failure.');
    return { failed: value === 'Failure' };
  },
  // Case-insensitively, as the services are named in different cases in different places.
  ServiceName: (value) => ({
    serviceName:
      (Object.keys(PRODUCTS) as Product[]).find((p) => p.toLowerCase() === value.toLowerCase()) ?? value,
  }),
  // Events keep addresses in canonical form; the filter matches any spelling of the same address.
  SourceIpAddress: (value, name) => {
    const address = parseAddress(value);
    if (!address.ok) throw invalidParameter(name, 'it must be an IPv4 or IPv6 address.');
    return { sourceIp: formatAddress(address.value) };
  },
  UserName: (value) => ({ userName: value }),
};

const attributeName = /^LookupAttribute\.(\d+)\.(Key|Value)$/;

/** Validates every LookupEvents parameter; throws `ApiError` (400) naming the first one wrong. */
export function parseLookupEventsRequest(params: Params, now: Date): LookupEventsRequest {
  const filter = parseAttributes(params);
  const filterDigest = digestOf(filter);
  const direction = optionalEnum(params, 'Direction', DIRECTIONS) ?? 'BACKWARD';
  const maxResults =
    optionalInteger(params, 'MaxResults', { min: 1, max: MAX_RESULTS }) ?? DEFAULT_MAX_RESULTS;
  const token = given(params, 'NextToken');
  const page = token === undefined ? undefined : decodeNextToken(token);
  if (token !== undefined && page === undefined) {
    throw invalidParameter('NextToken', 'it must be the NextToken of a previous response.');
  }
  const window = parseWindow(given(params, 'StartTime'), given(params, 'EndTime'), now, page);
  if (page !== undefined && !continues(page, window, direction, filterDigest)) {
    throw invalidParameter(
      'NextToken',
      'it continues a different query; repeat StartTime, EndTime, Direction and LookupAttribute as sent.',
    );
  }
  return { ...window, filter, filterDigest, direction, maxResults, after: page?.cursor };
}

// As everywhere in the API, a parameter sent empty (`Name=`) counts as not given.
function given(params: Params, name: string): string | undefined {
  const value = params[name];
  return value === '' ? undefined : value;
}

function parseAttributes(params: Params): AuditEventFilter {
  const attributes = new Map<number, { key?: string; value?: string }>();
  for (const [name, text] of Object.entries(params)) {
    if (!name.startsWith('LookupAttribute') || text === '') continue;
    const match = attributeName.exec(name);
    const index = match === null ? 0 : Number(match[1]);
    if (match === null || index < 1 || index > MAX_ATTRIBUTES || String(index) !== match[1]) {
      throw invalidParameter(
        'LookupAttribute',
        `give at most ${MAX_ATTRIBUTES} filters, as LookupAttribute.1.Key/Value and LookupAttribute.2.Key/Value.`,
      );
    }
    const entry = attributes.get(index) ?? {};
    if (match[2] === 'Key') entry.key = text;
    else entry.value = text;
    attributes.set(index, entry);
  }
  let filter: AuditEventFilter = {};
  const seen = new Set<string>();
  for (const index of [...attributes.keys()].sort((a, b) => a - b)) {
    const { key, value } = attributes.get(index)!;
    const keyName = `LookupAttribute.${index}.Key`;
    const valueName = `LookupAttribute.${index}.Value`;
    if (key === undefined) throw missingParameter(keyName);
    if (value === undefined) throw missingParameter(valueName);
    if (!Object.hasOwn(ATTRIBUTES, key)) {
      throw invalidParameter(keyName, `it must be one of ${Object.keys(ATTRIBUTES).join(', ')}.`);
    }
    if (seen.has(key)) throw invalidParameter(keyName, `${key} is already filtered on; give each key once.`);
    seen.add(key);
    if (value.length > MAX_VALUE_LENGTH) {
      throw invalidParameter(valueName, `it must be 1 to ${MAX_VALUE_LENGTH} characters long.`);
    }
    filter = { ...filter, ...ATTRIBUTES[key]!(value, valueName) };
  }
  return filter;
}

/** A stable digest of the filters, independent of the order they were given in. */
function digestOf(filter: AuditEventFilter): string {
  const entries = Object.entries(filter).sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex').slice(0, 16);
}

/**
 * StartTime and EndTime come together or not at all. Without them the window is the seven days
 * up to now, or, when continuing with a NextToken, the window of the first page (so that it does
 * not move between pages).
 */
function parseWindow(
  startText: string | undefined,
  endText: string | undefined,
  now: Date,
  page: PageToken | undefined,
): { start: Date; end: Date } {
  if (startText === undefined && endText === undefined) {
    if (page !== undefined) return { start: page.start, end: page.end };
    const end = parseAlibabaTime(formatAlibabaTime(now))!;
    return { start: new Date(end.getTime() - DEFAULT_WINDOW_MS), end };
  }
  if (startText === undefined) throw missingParameter('StartTime');
  if (endText === undefined) throw missingParameter('EndTime');
  const start = parseAlibabaTime(startText);
  if (start === undefined)
    throw invalidParameter('StartTime', 'it must be a UTC time as yyyy-MM-ddTHH:mm:ssZ.');
  const end = parseAlibabaTime(endText);
  if (end === undefined) throw invalidParameter('EndTime', 'it must be a UTC time as yyyy-MM-ddTHH:mm:ssZ.');
  if (start.getTime() > end.getTime()) throw invalidParameter('StartTime', 'it must not be after EndTime.');
  return { start, end };
}

function continues(
  page: PageToken,
  window: { start: Date; end: Date },
  direction: Direction,
  filterDigest: string,
): boolean {
  return (
    page.start.getTime() === window.start.getTime() &&
    page.end.getTime() === window.end.getTime() &&
    page.direction === direction &&
    page.filterDigest === filterDigest
  );
}
