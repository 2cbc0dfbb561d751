/**
 * Stored audit events as the real writer makes them: a forward-auth request record per draw of
 * the traffic model, built by `buildAuditEvent` and filed by `toStoredEvent` (the writer's own
 * steps), with a fresh event ID in arrival order. Coalesced events carry the count and the
 * latest arrival that the sink's folding would give them.
 */
import { buildAuditEvent } from '../../src/audit/audit-event.js';
import { newEventId } from '../../src/audit/event-id.js';
import { toStoredEvent } from '../../src/audit/stored-event.js';
import type { Decision } from '../../src/policy/decision.js';
import type { Caller } from '../../src/request/caller.js';
import type { RequestRecord } from '../../src/request/request-record.js';
import type { NewAuditEvent, UserId, UserName } from '../../src/store/index.js';
import type { SeededKey } from './population.js';
import { type Draw, draw, type KeyProfile } from './traffic.js';

const REGION = 'cn-hangzhou';
const ACL_DENIED = 'InvalidAccessKeyId.AccessPolicyDenied';

/** A traffic key: its store identity and its profile. */
export interface TrafficKey {
  readonly key: SeededKey;
  readonly profile: KeyProfile;
  readonly policyScope: Decision['scope'];
}

function callerOf(key: SeededKey): Caller {
  const { principal, accessKeyId } = key;
  return principal.type === 'ram-user'
    ? {
        type: 'ram-user',
        accountId: principal.accountId,
        accessKeyId,
        userName: principal.userName as UserName,
        userId: principal.userId as UserId,
      }
    : { type: 'root-account', accountId: principal.accountId, accessKeyId };
}

function decisionOf(key: TrafficKey, d: Draw): Decision {
  const vpc = d.source.vpcId !== null;
  const allowed = d.outcome !== 'denied';
  if (key.policyScope === 'none' && allowed) {
    return { allowed, reason: 'no-active-policy', scope: 'none', statement: -1, policyVersion: 0 };
  }
  // A key under no policy now was denied under an account policy since removed.
  return {
    allowed,
    reason: allowed ? (vpc ? 'vpc-allowed' : 'public-ip-allowed') : 'public-ip-not-allowed',
    scope: key.policyScope === 'none' ? 'account' : key.policyScope,
    statement: allowed ? (vpc ? 1 : 0) : -1,
    policyVersion: 2,
  };
}

/** The record of one request of `key` (signed by `caller`, or the key itself), arriving at `time`. */
export function requestOf(key: TrafficKey, d: Draw, time: Date, caller = callerOf(key.key)): RequestRecord {
  const denied = d.outcome === 'denied';
  const failed = d.outcome === 'failed';
  return {
    requestId: newEventId(time.getTime()),
    time,
    action: null,
    version: null,
    product: null,
    caller,
    authentication: 'access-key-id',
    claimedAccessKeyId: null,
    source: { ip: d.source.ip, vpcId: d.source.vpcId, fault: null },
    entryPoint: 'forward-auth',
    service: d.service,
    original: { method: 'GET', host: `${d.service}.${REGION}.aliyuncs.com`, path: '/' },
    decision: decisionOf(key, d),
    appliedVersion: 3,
    errorCode: denied ? ACL_DENIED : failed ? 'Forbidden.RAM' : null,
    errorMessage: denied
      ? 'Specified access key denied due to access policy.'
      : failed
        ? 'User not authorized to operate on the specified resource.'
        : null,
    httpStatus: denied ? 400 : failed ? 403 : 200,
    userAgent: 'keyfence-bench',
  };
}

/** The stored event of `key`'s request at `time`, folding `d.count` calls as the sink would. */
export function storedEvent(key: TrafficKey, d: Draw, time: Date, caller?: Caller): NewAuditEvent {
  const record = requestOf(key, d, time, caller);
  const folded =
    d.count > 1
      ? {
          count: d.count,
          lastTime: new Date(
            Math.min(time.getTime() + d.count * 7, Math.floor(time.getTime() / 1000) * 1000 + 999),
          ),
        }
      : undefined;
  return toStoredEvent(
    buildAuditEvent(record, {
      eventId: newEventId(time.getTime()),
      folded,
      principal: key.key.principal,
      region: REGION,
    }),
  );
}

/** `count` events of `keys` (cumulative `weights`) at times drawn in [start, end), in time order. */
export function eventsBetween(
  random: () => number,
  keys: readonly TrafficKey[],
  pickKey: (u: number) => number,
  start: number,
  end: number,
  count: number,
): NewAuditEvent[] {
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) times[i] = start + Math.floor(random() * (end - start));
  times.sort();
  const events: NewAuditEvent[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const key = keys[pickKey(random())]!;
    events[i] = storedEvent(key, draw(random, key.profile), new Date(times[i]!));
  }
  return events;
}
