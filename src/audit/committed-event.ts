import type { NewAuditEvent } from '../store/index.js';
import { type AuditedRequest, buildAuditEvent } from './audit-event.js';
import type { PrincipalLookup } from './audit-sink.js';
import { newEventId } from './event-id.js';
import { keyToResolve } from './event-owner.js';
import { toStoredEvent } from './stored-event.js';

/**
 * The event of a call that changes state, for the transaction that makes the change
 * (docs/audit.md, "Durability"): built as the writer builds a queued record's event, with the
 * holder of its key read in that transaction, under a new event ID. Throws what the lookup
 * throws, and a record no event can be made of: the change then does not commit either.
 */
export async function committedEvent(
  record: AuditedRequest,
  principals: PrincipalLookup,
  region: string,
): Promise<NewAuditEvent> {
  const key = keyToResolve(record);
  const principal = key === null ? undefined : (await principals([key])).get(key);
  const eventId = newEventId(record.time.getTime());
  return toStoredEvent(buildAuditEvent(record, { eventId, principal, region }));
}
