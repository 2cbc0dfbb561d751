import { formatAlibabaTime } from '../../../common/alibaba-time.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { parseLookupEventsRequest } from './support/lookup-events-request.js';
import { encodeNextToken } from './support/next-token.js';

/**
 * ActionTrail 2020-07-06 LookupEvents over KeyFence's audit log (docs/audit.md): the caller's own
 * account's events only, in a time window, with up to two filters, a page at a time. Events are
 * written in batches after their requests, so the newest second or so may not be there yet.
 */
export const lookupEvents: ActionDefinition = {
  product: 'Actiontrail',
  name: 'LookupEvents',
  ramAction: 'actiontrail:LookupEvents',
  async handle({ caller, params, store, now }) {
    const request = parseLookupEventsRequest(params, now());
    const page = await store.lookupAuditEvents({
      accountId: caller.accountId,
      from: request.start,
      // EndTime names a whole second.
      to: new Date(request.end.getTime() + 999),
      filter: request.filter,
      order: request.direction === 'BACKWARD' ? 'newest-first' : 'oldest-first',
      after: request.after,
      limit: request.maxResults,
    });
    return {
      StartTime: formatAlibabaTime(request.start),
      EndTime: formatAlibabaTime(request.end),
      NextToken:
        page.next === null
          ? ''
          : encodeNextToken({
              start: request.start,
              end: request.end,
              direction: request.direction,
              filterDigest: request.filterDigest,
              cursor: page.next,
            }),
      Events: page.events.map((event) => JSON.parse(event.document) as Record<string, unknown>),
    };
  },
};
