import type { AccountId, NewAuditEvent } from '../../../src/store/index.js';
import type { DatabaseConfig } from './dialects.js';
import { rawRows } from './store-harness.js';

/**
 * An event as the audit writer hands it to the store: a root ListUsers call from 192.0.2.10 by
 * account 1000000000000001's key, with `changes` on top. Its document is `{"eventId": …}` unless
 * changed: the store keeps documents as given.
 */
export function storedEvent(eventId: string, changes: Partial<NewAuditEvent> = {}): NewAuditEvent {
  return {
    eventId,
    accountId: '1000000000000001' as AccountId,
    at: new Date(0),
    requestId: eventId,
    accessKeyId: 'LTAI5tRootKeyRootKey0001',
    userName: 'root',
    eventName: 'ListUsers',
    serviceName: 'Ims',
    eventRW: 'Read',
    sourceIp: '192.0.2.10',
    errorCode: null,
    appliedVersion: null,
    document: JSON.stringify({ eventId }),
    ...changes,
  };
}

/** The IDs of every stored event, in order. */
export async function storedEventIds(config: DatabaseConfig): Promise<string[]> {
  const rows = await rawRows(config, 'select event_id from audit_events order by event_id');
  return rows.map((row) => String(row.event_id));
}
