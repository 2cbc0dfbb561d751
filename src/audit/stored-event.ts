import type { NewAuditEvent } from '../store/index.js';
import type { BuiltAuditEvent } from './audit-event.js';

/** An event as the store files it: the whole event as JSON, and copies of the fields lookups filter on. */
export function toStoredEvent({ event, accountId, at }: BuiltAuditEvent): NewAuditEvent {
  return {
    eventId: event.eventId,
    accountId,
    at,
    requestId: event.requestId,
    accessKeyId: event.userIdentity.accessKeyId,
    userName: event.userIdentity.userName,
    eventName: event.eventName,
    serviceName: event.serviceName,
    eventRW: event.eventRW,
    sourceIp: event.sourceIpAddress,
    errorCode: event.errorCode,
    appliedVersion: event.keyfence.appliedVersion,
    document: JSON.stringify(event),
  };
}
