import type { NewAuditEvent } from '../store/index.js';
import type { BuiltAuditEvent } from './audit-event.js';
import { mayHoldUnstorableText, withStorableText } from './storable-text.js';

/**
 * An event as the store files it: the whole event as JSON, copies of the fields lookups filter
 * on, and of those the key-source rollups read (so that the store need not parse the JSON for
 * them). Every string in all of them is storable text (storable-text.ts): this is the one place
 * an event's text is cleaned, after everything else was built.
 */
export function toStoredEvent({ event: built, accountId, at }: BuiltAuditEvent): NewAuditEvent {
  let event = built;
  let document = JSON.stringify(event);
  if (mayHoldUnstorableText(document)) {
    event = withStorableText(event);
    document = JSON.stringify(event);
  }
  const { vpcId, keyfence } = event;
  const rollup = { vpcId, service: keyfence.service, count: keyfence.count, lastTime: keyfence.lastTime };
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
    document,
    // Said only when true: an event without a candidate hands over what it did before.
    rollup: keyfence.candidate?.allowed === false ? { ...rollup, candidateDenied: true } : rollup,
  };
}
