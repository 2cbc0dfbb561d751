import { createHash } from 'node:crypto';
import { formatAlibabaTime } from '../../../../common/alibaba-time.js';
import { invalidParameter, mutuallyExclusive } from '../../../errors/api-error.js';
import { readPrincipalName } from '../../support/key-target.js';
import { optionalEnum, optionalInteger, optionalText, type Params } from '../../support/params.js';
import { SOURCE_SORTS, type SourcePosition, type SourceSort } from './source-order.js';
import { decodeSourcesToken } from './sources-token.js';
import { readTimeWindow, type TimeWindow } from './time-window.js';

/** Whose sources: one key of the caller's account, one RAM user's keys, or every key of the account. */
export type SourcesScope =
  | { readonly kind: 'accessKey'; readonly accessKeyId: string }
  | { readonly kind: 'user'; readonly principalName: string }
  | { readonly kind: 'account' };

/** A ListAccessKeySources request, validated. */
export interface SourcesRequest {
  readonly scope: SourcesScope;
  /** Identifies the scope inside a NextToken. */
  readonly scopeDigest: string;
  readonly window: TimeWindow;
  readonly sort: SourceSort;
  readonly maxResults: number;
  /** The last source of the previous page; undefined on the first. */
  readonly after: SourcePosition | undefined;
}

const DEFAULT_MAX_RESULTS = 50;
const MAX_RESULTS = 100;

/** Validates every ListAccessKeySources parameter; throws `ApiError` (400) naming the first one wrong. */
export function readSourcesRequest(params: Params, now: Date, retentionDays: number): SourcesRequest {
  const scope = readScope(params);
  const scopeDigest = digestOf(scope);
  const sort = optionalEnum(params, 'SortBy', SOURCE_SORTS) ?? 'Calls';
  const maxResults =
    optionalInteger(params, 'MaxResults', { min: 1, max: MAX_RESULTS }) ?? DEFAULT_MAX_RESULTS;
  const text = params.NextToken;
  if (text === undefined || text === '') {
    return {
      scope,
      scopeDigest,
      window: readTimeWindow(params, now, retentionDays),
      sort,
      maxResults,
      after: undefined,
    };
  }
  const token = decodeSourcesToken(text);
  if (token === undefined) {
    throw invalidParameter('NextToken', 'it must be the NextToken of a previous response.');
  }
  // The window of the first page, checked then: a window at the edge of the retention stays
  // valid for the pages that follow it.
  const window = { start: token.start, end: token.end };
  const sameWindow = (
    [
      ['StartTime', window.start],
      ['EndTime', window.end],
    ] as const
  ).every(([name, time]) => {
    const given = params[name];
    return given === undefined || given === '' || given === formatAlibabaTime(time);
  });
  if (!sameWindow || token.sort !== sort || token.scopeDigest !== scopeDigest) {
    throw invalidParameter(
      'NextToken',
      'it continues a different listing; repeat AccessKeyId, UserPrincipalName, StartTime, EndTime and SortBy as sent.',
    );
  }
  return { scope, scopeDigest, window, sort, maxResults, after: token.after };
}

function readScope(params: Params): SourcesScope {
  const accessKeyId = optionalText(params, 'AccessKeyId', { maxLength: 128 });
  const principalName = readPrincipalName(params);
  if (accessKeyId !== undefined && principalName !== undefined) {
    throw mutuallyExclusive('UserPrincipalName', 'AccessKeyId');
  }
  if (accessKeyId !== undefined) return { kind: 'accessKey', accessKeyId };
  if (principalName !== undefined) return { kind: 'user', principalName };
  return { kind: 'account' };
}

function digestOf(scope: SourcesScope): string {
  return createHash('sha256').update(JSON.stringify(scope)).digest('hex').slice(0, 16);
}
