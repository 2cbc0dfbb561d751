import { type AuditEvent, lookupEvents, lookupParams } from '../actiontrail/audit-event';
import { alibabaTime, DAY_MS } from '../actiontrail/utc-time';

/** Whose policy: the account's, or one AccessKey's. */
export type ChangeScope =
  | { readonly kind: 'account' }
  | { readonly kind: 'accessKey'; readonly accessKeyId: string };

const EVENT_OF: Readonly<Record<ChangeScope['kind'], string>> = {
  account: 'SetAccessKeyPolicyForAccount',
  accessKey: 'SetAccessKeyPolicy',
};

const PAGE = '50';
// Enough pages for any scope's history within retention, bounded so a busy account cannot hang the page.
const MAX_PAGES = 40;

const inScope = (event: AuditEvent, scope: ChangeScope | undefined): boolean =>
  scope?.kind !== 'accessKey' || event.requestParameters.UserAccessKeyId === scope.accessKeyId;

/**
 * The successful Set* calls of a scope (or, without one, of every scope), newest first, over
 * the audit log's retention, at most `limit`: a change is a Set that succeeded. Read from
 * LookupEvents, which filters by event name; a key's changes are then picked by the
 * `UserAccessKeyId` the event kept.
 */
export const listPolicyChanges = async (
  scope: ChangeScope | undefined,
  limit: number,
  now: Date,
  retentionDays: number,
): Promise<AuditEvent[]> => {
  const window = {
    start: alibabaTime(new Date(now.getTime() - retentionDays * DAY_MS)),
    end: alibabaTime(now),
  };
  const names = scope === undefined ? Object.values(EVENT_OF) : [EVENT_OF[scope.kind]];
  const lists = await Promise.all(
    names.map(async (name) => {
      const found: AuditEvent[] = [];
      let token = '';
      for (let page = 0; page < MAX_PAGES && found.length < limit; page++) {
        const answer = await lookupEvents(
          lookupParams(
            [
              ['EventName', name],
              ['Result', 'Success'],
            ],
            window,
            { MaxResults: PAGE, ...(token === '' ? {} : { NextToken: token }) },
          ),
        );
        found.push(...answer.Events.filter((e) => inScope(e, scope)));
        token = answer.NextToken;
        if (token === '') break;
      }
      return found;
    }),
  );
  return lists
    .flat()
    .sort((a, b) => b.eventTime.localeCompare(a.eventTime))
    .slice(0, limit);
};

/** Who made a change, as the event names them: `root`, `alice`, or a role session. */
export const actorOf = (event: AuditEvent): string => event.userIdentity.userName ?? event.userIdentity.type;

/** The scope a change event is about. */
export const scopeOfEvent = (event: AuditEvent): string =>
  event.eventName === 'SetAccessKeyPolicyForAccount'
    ? 'Account level'
    : `AccessKey ${event.requestParameters.UserAccessKeyId ?? '?'}`;
