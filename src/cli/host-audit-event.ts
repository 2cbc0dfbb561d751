import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { newEventId } from '../audit/event-id.js';
import { formatAlibabaTime } from '../common/alibaba-time.js';
import type { AccountId, NewAuditEvent } from '../store/index.js';

/**
 * The audit event of a break-glass command run on the host (`keyfence console
 * set-root-password`, `keyfence security reset-logon-mask`), stored with its change. No network
 * request made it: no source address, no AccessKey; `userIdentity` names the operating-system
 * user who ran it.
 */
export function hostAuditEvent(accountId: AccountId, eventName: string, at: Date): NewAuditEvent {
  const eventId = newEventId(at.getTime());
  const requestId = randomUUID().toUpperCase();
  const event = {
    eventId,
    eventName,
    eventType: 'ConsoleOperation',
    eventCategory: 'Management',
    eventRW: 'Write',
    eventTime: formatAlibabaTime(at),
    eventSource: null,
    eventVersion: 1,
    serviceName: null,
    requestId,
    sourceIpAddress: '',
    errorCode: null,
    errorMessage: null,
    requestParameters: {},
    userIdentity: {
      type: 'host-operator',
      accountId,
      principalId: null,
      userName: operatingSystemUser(),
      accessKeyId: null,
    },
    keyfence: { entryPoint: 'cli' },
  };
  return {
    eventId,
    accountId,
    at,
    requestId,
    accessKeyId: null,
    userName: null,
    eventName,
    serviceName: null,
    eventRW: 'Write',
    sourceIp: '',
    errorCode: null,
    appliedVersion: null,
    document: JSON.stringify(event),
  };
}

function operatingSystemUser(): string | null {
  try {
    return userInfo().username;
  } catch {
    // A uid without a passwd entry (some containers).
    return null;
  }
}
