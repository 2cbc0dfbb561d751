import { callAction } from '../api/console-client';
import { utc } from './format';
import type { PolicyScope } from './policy-scope';
import { setAction } from './scope-params';

interface AuditEvent {
  readonly eventTime: string;
  readonly sourceIpAddress: string | null;
  readonly requestParameters?: Record<string, unknown>;
  readonly userIdentity?: { readonly type?: string; readonly userName?: string | null };
}

/**
 * Who changed the scope's policy last, from the audit log (the Set events of the last week), as
 * a sentence for the conflict message; undefined when it cannot be told (not allowed, not flushed).
 */
export async function lastChange(scope: PolicyScope): Promise<string | undefined> {
  try {
    const { Events } = await callAction<{ Events: readonly AuditEvent[] }>('Actiontrail', 'LookupEvents', {
      'LookupAttribute.1.Key': 'EventName',
      'LookupAttribute.1.Value': setAction(scope),
      MaxResults: '50',
    });
    const event = Events.find(
      (e) => scope.kind === 'account' || e.requestParameters?.UserAccessKeyId === scope.accessKeyId,
    );
    if (event === undefined) return undefined;
    const who = event.userIdentity?.userName ?? event.userIdentity?.type ?? 'someone';
    const from = event.sourceIpAddress === null ? '' : ` from ${event.sourceIpAddress}`;
    return `changed by ${who} at ${utc(event.eventTime)}${from}`;
  } catch {
    return undefined;
  }
}
