import type { NewAuditEvent } from '../../../../src/store/index.js';

/** A call the tests write to the audit log themselves, as if a server had decided it. */
export interface SeededCall {
  readonly accountId: NewAuditEvent['accountId'];
  readonly accessKeyId: string;
  readonly userName: string;
  readonly sourceIp: string;
  readonly vpcId: string | null;
  readonly service: string | null;
  /** Null for an allowed call. */
  readonly errorCode: string | null;
  /** The calls one coalesced event stands for; the last of several comes 999 ms after the first. */
  readonly count: number;
  /** When, in milliseconds; the audit log keeps whole seconds. */
  readonly at: number;
}

const serials = new Map<string, number>();

/** `call` as the audit log stores it, its event ID `prefix` and a serial of that prefix. */
export function seededEvent(prefix: string, call: SeededCall): NewAuditEvent {
  const serial = (serials.get(prefix) ?? 0) + 1;
  serials.set(prefix, serial);
  const eventId = `${prefix}${String(serial).padStart(10, '0')}`;
  const at = Math.floor(call.at / 1000) * 1000;
  return {
    eventId,
    accountId: call.accountId,
    at: new Date(at),
    requestId: eventId,
    accessKeyId: call.accessKeyId,
    userName: call.userName,
    eventName: 'GetCallerIdentity',
    serviceName: null,
    eventRW: 'Read',
    sourceIp: call.sourceIp,
    errorCode: call.errorCode,
    appliedVersion: null,
    document: JSON.stringify({
      eventId,
      sourceIpAddress: call.sourceIp,
      vpcId: call.vpcId,
      errorCode: call.errorCode,
      keyfence: {
        service: call.service,
        count: call.count,
        lastTime: call.count > 1 ? new Date(at + 999).toISOString() : null,
      },
    }),
  };
}

/** The time of an event's last call, the one a rollup keeps as the source's last use. */
export function lastCallOf(event: NewAuditEvent): number {
  const { lastTime } = JSON.parse(event.document).keyfence;
  return lastTime === null ? event.at.getTime() : Date.parse(lastTime);
}
